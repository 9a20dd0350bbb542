package dev.edgelens.edge.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** {@code true|false} for picocli options, strictly: a typo must not silently mean false. */
public final class BooleanConverter implements ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        throw new TypeConversionException("'" + value + "' is not a boolean; expected true or false");
    }
}
