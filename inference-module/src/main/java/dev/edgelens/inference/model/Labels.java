package dev.edgelens.inference.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Class names from {@code NAME.labels.txt}: one per line in class-index order. A leading WordNet id
 * is dropped and only the first of comma-separated synonyms is kept, so
 * {@code n01440764 tench, Tinca tinca} shows as {@code tench}. Trailing blank lines are ignored; a
 * blank line elsewhere is an error (it would shift every later class).
 */
public final class Labels {

    private static final Pattern WORDNET_ID = Pattern.compile("^n\\d{8}\\s+");

    private final List<String> names;

    private Labels(List<String> names) {
        this.names = List.copyOf(names);
    }

    public static Labels read(Path file) throws ModelRejectedException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelRejectedException(file.getFileName().toString(), "cannot be read: " + e.getMessage(), e);
        }
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isBlank()) {
            end--;
        }
        List<String> names = new ArrayList<>(end);
        for (int i = 0; i < end; i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isEmpty()) {
                throw new ModelRejectedException(file.getFileName().toString(),
                        "line " + (i + 1) + " is blank; expected one label per line");
            }
            names.add(displayName(line));
        }
        if (names.isEmpty()) {
            throw new ModelRejectedException(file.getFileName().toString(), "has no labels");
        }
        return new Labels(names);
    }

    /** The display form of one labels-file line. */
    static String displayName(String line) {
        String s = WORDNET_ID.matcher(line).replaceFirst("");
        int comma = s.indexOf(',');
        if (comma > 0) {
            s = s.substring(0, comma);
        }
        return s.strip();
    }

    /** Labels that are just the class indices, for models without a labels file. */
    public static Labels indices(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(Integer.toString(i));
        }
        return new Labels(names);
    }

    public int size() {
        return names.size();
    }

    public String get(int index) {
        return names.get(index);
    }
}
