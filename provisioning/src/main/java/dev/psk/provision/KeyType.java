package dev.psk.provision;

import java.util.Arrays;
import java.util.Locale;

/**
 * Key types an operator may ask for. Only {@link #EC_P256} is ever generated: it is the one
 * algorithm TPM 2.0 and the ATECC608A share and the one the tunnel handshake verifies; the others
 * exist so that a request for them is refused by name instead of as a syntax error.
 */
public enum KeyType {
    EC_P256("ec-p256"),
    EC_P384("ec-p384"),
    EC_P521("ec-p521"),
    RSA_2048("rsa-2048"),
    RSA_3072("rsa-3072"),
    ED25519("ed25519");

    private final String text;

    KeyType(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Parses "ec-p256", "rsa-2048" …, case-insensitively. */
    public static KeyType parse(String s) {
        for (KeyType t : values()) {
            if (t.text.equals(s.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("key type \"" + s + "\": expected one of " + Arrays.toString(values()));
    }
}
