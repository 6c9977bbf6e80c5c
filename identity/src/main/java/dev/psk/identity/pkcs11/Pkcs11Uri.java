package dev.psk.identity.pkcs11;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A PKCS#11 URI (RFC 7512): path attributes select the module, slot, token and object; query
 * attributes say how to reach them (module-path, module-name, pin-source, pin-value).
 *
 * <p>Immutable. Values are kept percent-decoded, attribute order is preserved, vendor attributes
 * (any name that is not a standard one) are kept verbatim, so {@code parse(u.format())} equals
 * {@code u}. {@link #format()} percent-encodes every octet outside RFC 7512's pk11-pchar/pk11-qchar
 * and always encodes {@code id} octet by octet. A URI carrying {@code pin-value} holds a PIN:
 * {@link #toString()} redacts it; only {@link #format()} writes it out.
 */
public final class Pkcs11Uri {
    /** The scheme prefix, RFC 7512 section 2.3 ("pkcs11:"; matched case-insensitively). */
    public static final String SCHEME = "pkcs11:";

    /** Standard path attributes, RFC 7512 section 2.3. */
    public static final Set<String> PATH_ATTRIBUTES = Set.of(
            "id",
            "library-description",
            "library-manufacturer",
            "library-version",
            "manufacturer",
            "model",
            "object",
            "serial",
            "slot-description",
            "slot-id",
            "slot-manufacturer",
            "token",
            "type");

    /** Standard query attributes, RFC 7512 section 2.3. */
    public static final Set<String> QUERY_ATTRIBUTES = Set.of("module-name", "module-path", "pin-source", "pin-value");

    /** Values of the {@code type} attribute. */
    public static final Set<String> OBJECT_TYPES = Set.of("public", "private", "cert", "secret-key", "data");

    private final Map<String, byte[]> path;
    private final Map<String, byte[]> query;

    private Pkcs11Uri(Map<String, byte[]> path, Map<String, byte[]> query) {
        this.path = path;
        this.query = query;
    }

    /**
     * Parses a URI.
     *
     * @throws Pkcs11UriException naming the 1-based position and the RFC 7512 rule that failed; the
     *     message never repeats attribute values (a pin-value must not leak into logs)
     */
    public static Pkcs11Uri parse(String text) throws Pkcs11UriException {
        return Pkcs11UriParser.parse(text);
    }

    /** Builds a URI from scratch. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this URI's attributes. */
    public Builder toBuilder() {
        Builder b = new Builder();
        path.forEach((k, v) -> b.path.put(k, v.clone()));
        query.forEach((k, v) -> b.query.put(k, v.clone()));
        return b;
    }

    // ---- path attributes

    public Optional<String> token() {
        return text("token");
    }

    public Optional<String> manufacturer() {
        return text("manufacturer");
    }

    public Optional<String> serial() {
        return text("serial");
    }

    public Optional<String> model() {
        return text("model");
    }

    public Optional<String> object() {
        return text("object");
    }
    /** {@code type}: one of {@link #OBJECT_TYPES}. */
    public Optional<String> type() {
        return text("type");
    }

    public Optional<String> slotDescription() {
        return text("slot-description");
    }

    public Optional<String> slotManufacturer() {
        return text("slot-manufacturer");
    }

    public Optional<String> libraryManufacturer() {
        return text("library-manufacturer");
    }

    public Optional<String> libraryDescription() {
        return text("library-description");
    }
    /** {@code library-version} as written: "M" or "M.m". */
    public Optional<String> libraryVersion() {
        return text("library-version");
    }

    /** {@code id}: raw octets (CKA_ID), a fresh copy. */
    public Optional<byte[]> id() {
        byte[] v = path.get("id");
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    /** {@code slot-id} as an unsigned CK_SLOT_ID. */
    public OptionalLong slotId() {
        Optional<String> s = text("slot-id");
        return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseUnsignedLong(s.get()));
    }

    // ---- query attributes

    public Optional<String> modulePath() {
        return queryText("module-path");
    }

    public Optional<String> moduleName() {
        return queryText("module-name");
    }

    public Optional<String> pinSource() {
        return queryText("pin-source");
    }

    /** True when the URI carries {@code pin-value}: callers should warn that the PIN is in the URI. */
    public boolean hasPinValue() {
        return query.containsKey("pin-value");
    }

    /** {@code pin-value} as a fresh char array the caller must wipe, if present. */
    public Optional<char[]> pinValue() {
        byte[] v = query.get("pin-value");
        if (v == null) {
            return Optional.empty();
        }
        java.nio.CharBuffer cb = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(v));
        char[] out = new char[cb.remaining()];
        cb.get(out);
        Arrays.fill(cb.array(), '\0');
        return Optional.of(out);
    }

    /** All path attributes in order (values decoded as UTF-8, {@code id} included as text only for display). */
    public Map<String, String> pathAttributes() {
        Map<String, String> m = new LinkedHashMap<>();
        path.forEach((k, v) -> m.put(k, k.equals("id") ? dev.psk.common.Hex.encode(v) : utf8(v)));
        return Collections.unmodifiableMap(m);
    }

    /** Path attributes that are not standard (vendor-specific), in order. */
    public Map<String, String> vendorPathAttributes() {
        Map<String, String> m = new LinkedHashMap<>();
        path.forEach((k, v) -> {
            if (!PATH_ATTRIBUTES.contains(k)) {
                m.put(k, utf8(v));
            }
        });
        return Collections.unmodifiableMap(m);
    }

    /** Query attributes that are not standard (vendor-specific), in order. */
    public Map<String, String> vendorQueryAttributes() {
        Map<String, String> m = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (!QUERY_ATTRIBUTES.contains(k)) {
                m.put(k, utf8(v));
            }
        });
        return Collections.unmodifiableMap(m);
    }

    /** The URI text, percent-encoded per RFC 7512 section 2.4; includes pin-value when present. */
    public String format() {
        return format(false);
    }

    /** The URI text with any pin-value replaced by "REDACTED". */
    @Override
    public String toString() {
        return format(true);
    }

    private String format(boolean redact) {
        StringBuilder sb = new StringBuilder(SCHEME);
        boolean first = true;
        for (Map.Entry<String, byte[]> e : path.entrySet()) {
            if (!first) {
                sb.append(';');
            }
            first = false;
            sb.append(e.getKey()).append('=');
            encode(sb, e.getValue(), e.getKey().equals("id"), false);
        }
        first = true;
        for (Map.Entry<String, byte[]> e : query.entrySet()) {
            sb.append(first ? '?' : '&');
            first = false;
            sb.append(e.getKey()).append('=');
            if (redact && e.getKey().equals("pin-value")) {
                sb.append("REDACTED");
            } else {
                encode(sb, e.getValue(), false, true);
            }
        }
        return sb.toString();
    }

    private static void encode(StringBuilder sb, byte[] value, boolean encodeAll, boolean inQuery) {
        for (byte b : value) {
            int c = b & 0xff;
            if (!encodeAll && c < 0x80 && Pkcs11UriParser.isValueChar((char) c, inQuery)) {
                sb.append((char) c);
            } else {
                sb.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
    }

    private Optional<String> text(String name) {
        byte[] v = path.get(name);
        return v == null ? Optional.empty() : Optional.of(utf8(v));
    }

    private Optional<String> queryText(String name) {
        byte[] v = query.get(name);
        return v == null ? Optional.empty() : Optional.of(utf8(v));
    }

    static String utf8(byte[] v) {
        return new String(v, StandardCharsets.UTF_8);
    }

    static boolean isUtf8(byte[] v) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(v));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pkcs11Uri u && sameEntries(path, u.path) && sameEntries(query, u.query);
    }

    private static boolean sameEntries(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return path.keySet().hashCode() * 31 + query.keySet().hashCode();
    }

    static Pkcs11Uri of(Map<String, byte[]> path, Map<String, byte[]> query) {
        return new Pkcs11Uri(Collections.unmodifiableMap(path), Collections.unmodifiableMap(query));
    }

    /**
     * Assembles a URI; {@link #build()} validates it exactly as {@link #parse} would (it formats
     * and re-parses), so a builder can never produce a URI the parser rejects.
     */
    public static final class Builder {
        private final Map<String, byte[]> path = new LinkedHashMap<>();
        private final Map<String, byte[]> query = new LinkedHashMap<>();

        private Builder() {}

        /** Sets (or replaces) a path attribute; {@code null} removes it. */
        public Builder path(String name, String value) {
            if (value == null) {
                path.remove(name);
            } else {
                path.put(name, value.getBytes(StandardCharsets.UTF_8));
            }
            return this;
        }

        /** Sets {@code id} (CKA_ID octets); {@code null} removes it. */
        public Builder id(byte[] id) {
            if (id == null) {
                path.remove("id");
            } else {
                path.put("id", id.clone());
            }
            return this;
        }

        /** Sets (or replaces) a query attribute; {@code null} removes it. */
        public Builder query(String name, String value) {
            if (value == null) {
                query.remove(name);
            } else {
                query.put(name, value.getBytes(StandardCharsets.UTF_8));
            }
            return this;
        }

        public Pkcs11Uri build() throws Pkcs11UriException {
            return parse(new Pkcs11Uri(path, query).format());
        }
    }
}
