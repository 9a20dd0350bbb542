package dev.edgelens.capture;

import java.util.regex.Pattern;

/** Removes credentials from text that may hold source URLs, so they never reach logs, status or the ring. */
public final class Masking {
    /** {@code scheme://user:pass@} or {@code scheme://user@}: everything between "//" and the
     * authority's last '@' (an unencoded '@' in a password is covered too). */
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/\\s\"']*@");
    /** Query parameters cameras use for credentials, e.g. {@code ?user=admin&password=x}. */
    private static final Pattern SECRET_QUERY = Pattern.compile(
            "(?i)([?&;](?:user(?:name)?|pass(?:word)?|pwd|token|auth|key|secret)=)[^&\\s\"']*");

    private Masking() {
    }

    /** The text with every URL's user info replaced by {@code ***} and secret query values by {@code ***}. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = USER_INFO.matcher(text).replaceAll("$1***@");
        return SECRET_QUERY.matcher(out).replaceAll("$1***");
    }
}
