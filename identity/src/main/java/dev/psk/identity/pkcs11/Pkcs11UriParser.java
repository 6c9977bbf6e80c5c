package dev.psk.identity.pkcs11;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The RFC 7512 section 2.3 grammar, one character at a time so that every error names its
 * position and rule:
 *
 * <pre>
 * pk11-URI   = "pkcs11:" pk11-path [ "?" pk11-query ]
 * pk11-path  = [ pk11-pattr *(";" pk11-pattr) ]
 * pk11-query = [ pk11-qattr *("&amp;" pk11-qattr) ]
 * attr       = 1*(ALPHA / DIGIT / "-" / "_") "=" *(pk11-pchar | pk11-qchar)
 * pk11-pchar = unreserved / pk11-res-avail / "&amp;" / pct-encoded
 * pk11-qchar = unreserved / pk11-res-avail / "/" / "?" / "|" / pct-encoded
 * pk11-res-avail = ":" / "[" / "]" / "@" / "!" / "$" / "'" / "(" / ")" / "*" / "+" / "," / "="
 * </pre>
 *
 * Beyond the grammar: an attribute may appear once; {@code type}, {@code slot-id} and
 * {@code library-version} values are checked; text values must be UTF-8; pin-source and pin-value
 * are mutually exclusive (section 2.3 says a URI should carry at most one way to get the PIN).
 */
final class Pkcs11UriParser {
    private final String s;
    private int i;

    private Pkcs11UriParser(String s) {
        this.s = s;
    }

    static Pkcs11Uri parse(String text) throws Pkcs11UriException {
        if (text == null) {
            throw new Pkcs11UriException(1, "pk11-URI", "expected a URI, got nothing");
        }
        return new Pkcs11UriParser(text).uri();
    }

    private Pkcs11Uri uri() throws Pkcs11UriException {
        if (!s.regionMatches(true, 0, Pkcs11Uri.SCHEME, 0, Pkcs11Uri.SCHEME.length())) {
            int at = 0;
            while (at < Math.min(s.length(), Pkcs11Uri.SCHEME.length())
                    && Character.toLowerCase(s.charAt(at)) == Pkcs11Uri.SCHEME.charAt(at)) {
                at++;
            }
            throw new Pkcs11UriException(at + 1, "pk11-URI", "expected the scheme \"pkcs11:\"");
        }
        i = Pkcs11Uri.SCHEME.length();
        Map<String, byte[]> path = new LinkedHashMap<>();
        Map<String, byte[]> query = new LinkedHashMap<>();
        if (i < s.length() && s.charAt(i) != '?') {
            attributes(path, false);
        }
        if (i < s.length()) {
            // attributes() stops only at the end or at '?'
            i++;
            if (i < s.length()) {
                attributes(query, true);
            }
        }
        return Pkcs11Uri.of(path, query);
    }

    private void attributes(Map<String, byte[]> into, boolean inQuery) throws Pkcs11UriException {
        String rule = inQuery ? "pk11-qattr" : "pk11-pattr";
        char separator = inQuery ? '&' : ';';
        while (true) {
            int nameStart = i;
            while (i < s.length() && isNameChar(s.charAt(i))) {
                i++;
            }
            if (i == nameStart) {
                throw new Pkcs11UriException(
                        i + 1,
                        rule,
                        i < s.length()
                                ? "expected an attribute name (letters, digits, '-', '_'), found "
                                        + describe(s.charAt(i))
                                : "expected an attribute name, found the end");
            }
            String name = s.substring(nameStart, i);
            if (i >= s.length() || s.charAt(i) != '=') {
                throw new Pkcs11UriException(
                        i + 1,
                        rule,
                        "expected '=' after attribute name \"" + name + "\""
                                + (i < s.length() ? ", found " + describe(s.charAt(i)) : ", found the end"));
            }
            i++;
            int valueStart = i;
            byte[] value = value(inQuery, name);
            if (into.containsKey(name)) {
                throw new Pkcs11UriException(nameStart + 1, rule, "attribute \"" + name + "\" appears twice");
            }
            if (inQuery
                    && (name.equals("pin-source") && into.containsKey("pin-value")
                            || name.equals("pin-value") && into.containsKey("pin-source"))) {
                throw new Pkcs11UriException(
                        nameStart + 1, "pk11-query", "pin-source and pin-value together: give the PIN one way only");
            }
            check(name, value, valueStart, inQuery);
            into.put(name, value);
            if (i >= s.length()) {
                return;
            }
            char c = s.charAt(i);
            if (!inQuery && c == '?') {
                return;
            }
            if (c != separator) {
                throw new Pkcs11UriException(
                        i + 1,
                        inQuery ? "pk11-qchar" : "pk11-pchar",
                        "character " + (name.equals("pin-value") ? "(redacted)" : describe(c))
                                + " is not allowed in the value of \"" + name + "\"; percent-encode it");
            }
            i++;
        }
    }

    private byte[] value(boolean inQuery, String name) throws Pkcs11UriException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new Pkcs11UriException(
                            i + 1,
                            "pct-encoded",
                            "'%' must be followed by two hex digits, found the end (in \"" + name + "\")");
                }
                char h = s.charAt(i + 1);
                char l = s.charAt(i + 2);
                int hi = h < 0x80 ? Character.digit(h, 16) : -1;
                int lo = l < 0x80 ? Character.digit(l, 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new Pkcs11UriException(
                            i + 1, "pct-encoded", "'%' must be followed by two hex digits (in \"" + name + "\")");
                }
                out.write(hi << 4 | lo);
                i += 3;
            } else if (isValueChar(c, inQuery)) {
                out.write(c);
                i++;
            } else {
                break;
            }
        }
        return out.toByteArray();
    }

    private void check(String name, byte[] value, int valueStart, boolean inQuery) throws Pkcs11UriException {
        int pos = valueStart + 1;
        if (!name.equals("id") && !Pkcs11Uri.isUtf8(value)) {
            throw new Pkcs11UriException(pos, "pk11-" + name, "value of \"" + name + "\" is not UTF-8 text");
        }
        if (inQuery) {
            return;
        }
        String v = Pkcs11Uri.utf8(value);
        switch (name) {
            case "type" -> {
                if (!Pkcs11Uri.OBJECT_TYPES.contains(v)) {
                    throw new Pkcs11UriException(
                            pos, "pk11-type", "type must be one of public, private, cert, secret-key, data");
                }
            }
            case "slot-id" -> {
                if (!v.matches("[0-9]{1,20}") || !fitsUnsignedLong(v)) {
                    throw new Pkcs11UriException(pos, "pk11-slot-id", "slot-id must be a decimal CK_SLOT_ID (1*DIGIT)");
                }
            }
            case "library-version" -> {
                if (!v.matches("[0-9]{1,3}(\\.[0-9]{1,3})?")) {
                    throw new Pkcs11UriException(
                            pos, "pk11-lib-ver", "library-version must be 1*DIGIT [\".\" 1*DIGIT]");
                }
            }
            default -> {}
        }
    }

    private static boolean fitsUnsignedLong(String v) {
        try {
            Long.parseUnsignedLong(v);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** pk11-pchar (path) or pk11-qchar (query) without pct-encoded. */
    static boolean isValueChar(char c, boolean inQuery) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return switch (c) {
            case '-', '.', '_', '~', ':', '[', ']', '@', '!', '$', '\'', '(', ')', '*', '+', ',', '=' -> true;
            case '&' -> !inQuery;
            case '/', '?', '|' -> inQuery;
            default -> false;
        };
    }

    private static String describe(char c) {
        if (c < 0x20 || c == 0x7f) {
            return String.format("control character U+%04X", (int) c);
        }
        return "'" + c + "'";
    }
}
