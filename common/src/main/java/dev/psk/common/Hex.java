package dev.psk.common;

import java.util.HexFormat;

/** Lower-case hexadecimal text for bytes, with strict parsing that names what was wrong. */
public final class Hex {
    private static final HexFormat FORMAT = HexFormat.of();

    private Hex() {}

    public static String encode(byte[] bytes) {
        return FORMAT.formatHex(bytes);
    }

    public static String encode(byte[] bytes, int offset, int length) {
        return FORMAT.formatHex(bytes, offset, offset + length);
    }

    /**
     * Parses hex digits (either case, no separators, optional "0x" prefix).
     *
     * @param what names the input in the error message, e.g. "--nonce"
     * @throws IllegalArgumentException naming {@code what} when the text is not whole bytes of hex
     */
    public static byte[] decode(String text, String what) {
        String s = text.strip();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        if ((s.length() & 1) != 0) {
            throw new IllegalArgumentException(what + ": expected an even number of hex digits, got " + s.length());
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                throw new IllegalArgumentException(
                        what + ": expected hex digits, found '" + s.charAt(i) + "' at position " + (i + 1));
            }
        }
        return FORMAT.parseHex(s);
    }

    public static byte[] decode(String text) {
        return decode(text, "hex");
    }
}
