package dev.psk.identity.pkcs11;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The protection attributes of a private key as the token reports them (C_GetAttributeValue). An
 * attribute the token does not report is {@code Optional.empty()}, never assumed.
 */
public record KeyAttributes(
        Optional<Boolean> token,
        Optional<Boolean> isPrivate,
        Optional<Boolean> sensitive,
        Optional<Boolean> extractable,
        Optional<Boolean> neverExtractable,
        Optional<Boolean> alwaysSensitive,
        Optional<Boolean> local,
        Optional<Boolean> sign) {

    /**
     * True only when every attribute was reported and says the key cannot leave the token:
     * CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_LOCAL,
     * CKA_SIGN true and CKA_EXTRACTABLE false.
     */
    public boolean hardwareBound() {
        return is(token)
                && is(isPrivate)
                && is(sensitive)
                && extractable.equals(Optional.of(false))
                && is(neverExtractable)
                && is(alwaysSensitive)
                && is(local)
                && is(sign);
    }

    /** The attributes that do not have their hardware-bound value, by CKA_ name; empty when {@link #hardwareBound()}. */
    public Map<String, String> violations() {
        Map<String, String> v = new LinkedHashMap<>();
        asMap().forEach((name, value) -> {
            boolean want = !name.equals("CKA_EXTRACTABLE");
            if (!value.equals(String.valueOf(want))) {
                v.put(name, value);
            }
        });
        return v;
    }

    /** CKA_ name to "true", "false" or "unavailable", in a fixed order (for identity files and listings). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CKA_TOKEN", show(token));
        m.put("CKA_PRIVATE", show(isPrivate));
        m.put("CKA_SENSITIVE", show(sensitive));
        m.put("CKA_EXTRACTABLE", show(extractable));
        m.put("CKA_NEVER_EXTRACTABLE", show(neverExtractable));
        m.put("CKA_ALWAYS_SENSITIVE", show(alwaysSensitive));
        m.put("CKA_LOCAL", show(local));
        m.put("CKA_SIGN", show(sign));
        return m;
    }

    private static boolean is(Optional<Boolean> b) {
        return b.orElse(false);
    }

    private static String show(Optional<Boolean> b) {
        return b.map(String::valueOf).orElse("unavailable");
    }
}
