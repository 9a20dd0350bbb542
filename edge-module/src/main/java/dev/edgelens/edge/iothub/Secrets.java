package dev.edgelens.edge.iothub;

import java.util.regex.Pattern;

/**
 * Removes credentials from text before it is logged, put in an error or reported: shared access
 * keys and SAS token signatures, in connection strings or SAS tokens (also URL-encoded).
 */
public final class Secrets {

    private static final Pattern KEY = Pattern.compile("(?i)(SharedAccessKey\\s*=\\s*)[^;\\s\"']+");
    private static final Pattern SIG = Pattern.compile("(?i)(sig(?:=|%3D))[^&;\\s\"']+");
    private static final Pattern SAS = Pattern.compile("(?i)(SharedAccessSignature\\s*=\\s*)[^;\"']+");

    private Secrets() {
    }

    /** {@code text} with every key and signature replaced by {@code ***}; null stays null. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String t = KEY.matcher(text).replaceAll("$1***");
        t = SAS.matcher(t).replaceAll("$1***");
        return SIG.matcher(t).replaceAll("$1***");
    }

    /** A throwable's class and redacted message, with its causes: safe for logs and reports. */
    public static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 600; c = c.getCause() == c ? null : c.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                sb.append(": ").append(redact(c.getMessage()));
            }
        }
        return sb.toString();
    }
}
