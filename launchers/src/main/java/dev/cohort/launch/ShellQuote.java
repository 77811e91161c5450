package dev.cohort.launch;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Quotes words for POSIX shells (bash, sh) so that the shell passes them on unchanged: no expansion of
 * {@code $}, backticks, globs or backslashes, no word splitting. Words of only safe characters stay
 * bare for readability; everything else is single-quoted, with each {@code '} written as {@code '\''}.
 */
final class ShellQuote {
    /** Characters that mean nothing to the shell in any position of a word. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private ShellQuote() {
    }

    /** One word, quoted when needed; the empty string becomes {@code ''}. */
    static String quote(String word) {
        if (SAFE.matcher(word).matches() && !word.startsWith("=")) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The words quoted and joined by single spaces. */
    static String join(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(quote(w));
        }
        return sb.toString();
    }
}
