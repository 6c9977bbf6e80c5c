package dev.psk.keygen;

import dev.psk.common.Hex;
import java.nio.file.Path;

/**
 * The {@code OUT.sha256} checksum file in GNU {@code sha256sum} format: one line
 * {@code <64 hex>  <name>}, the name relative to the pad's directory, so that
 * {@code sha256sum -c OUT.sha256} passes there. A name holding a backslash or newline is escaped
 * the way coreutils does it (line prefixed with a backslash, {@code \\} and {@code \n} inside).
 *
 * @param sha256 the 32-byte digest
 * @param fileName the file the line names
 */
public record Sidecar(byte[] sha256, String fileName) {
    public static final String SUFFIX = ".sha256";
    private static final int DIGEST_BYTES = 32;

    public Sidecar {
        if (sha256.length != DIGEST_BYTES) {
            throw new IllegalArgumentException("SHA-256 digest must be 32 bytes, not " + sha256.length);
        }
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** {@code OUT.sha256} beside {@code OUT}. */
    public static Path pathFor(Path pad) {
        return pad.resolveSibling(pad.getFileName() + SUFFIX);
    }

    /** The sidecar's single line, newline included. */
    public static String line(byte[] sha256, String fileName) {
        boolean escape = fileName.indexOf('\\') >= 0 || fileName.indexOf('\n') >= 0;
        String name = escape ? fileName.replace("\\", "\\\\").replace("\n", "\\n") : fileName;
        return (escape ? "\\" : "") + Hex.encode(sha256) + "  " + name + "\n";
    }

    /**
     * Parses sidecar text: exactly one checksum line (blank lines ignored), text or binary marker.
     *
     * @param what names the input in errors (the sidecar's path)
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static Sidecar parse(String text, String what) {
        String found = null;
        for (String raw : text.split("\n", -1)) {
            String l = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (l.isBlank()) {
                continue;
            }
            if (found != null) {
                throw new IllegalArgumentException(what + ": expected one checksum line, found more");
            }
            found = l;
        }
        if (found == null) {
            throw new IllegalArgumentException(what + ": empty, expected '<sha256 hex>  <file name>'");
        }
        boolean escaped = found.startsWith("\\");
        String l = escaped ? found.substring(1) : found;
        if (l.length() < 67 || (l.charAt(64) != ' ') || (l.charAt(65) != ' ' && l.charAt(65) != '*')) {
            throw new IllegalArgumentException(what + ": expected '<64 hex digits>  <file name>' (sha256sum format)");
        }
        // Exactly 64 hex digits: Hex.decode also takes a "0x" prefix, which would leave 31 bytes
        // (found by fuzzing).
        for (int i = 0; i < 64; i++) {
            if (Character.digit(l.charAt(i), 16) < 0 || l.charAt(i) > 'f') {
                throw new IllegalArgumentException(
                        what + ": expected 64 hex digits of SHA-256 at the start of the line");
            }
        }
        byte[] digest;
        try {
            digest = Hex.decode(l.substring(0, 64), what);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": expected 64 hex digits of SHA-256 at the start of the line");
        }
        String name = l.substring(66);
        if (name.indexOf('\r') >= 0) {
            // A CR is taken as part of a CRLF line end; a name with its own would not read back the
            // same (found by fuzzing). No pad is named so.
            throw new IllegalArgumentException(what + ": file name contains a carriage return");
        }
        return new Sidecar(digest, escaped ? unescape(name, what) : name);
    }

    private static String unescape(String s, String what) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i == s.length()) {
                throw new IllegalArgumentException(what + ": file name ends in a lone backslash");
            }
            switch (s.charAt(i)) {
                case '\\' -> b.append('\\');
                case 'n' -> b.append('\n');
                default ->
                    throw new IllegalArgumentException(what + ": unknown escape '\\" + s.charAt(i) + "' in file name");
            }
        }
        return b.toString();
    }
}
