package dev.psk.tunnel.crypto;

import java.util.Locale;

/**
 * Which ChaCha20-Poly1305 implementation the packet path uses ({@code --aead}): libcrypto when it
 * loads else the JDK ({@link #AUTO}), libcrypto or fail ({@link #OPENSSL}), the JDK ({@link #JCE}).
 * Spelled in lower case on the command line and in banners ({@link #label()}).
 */
public enum AeadBackend {
    AUTO,
    OPENSSL,
    JCE;

    /** The command-line spelling: "auto", "openssl" or "jce". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The backend spelled {@code label} (any case, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the accepted values and the input
     */
    public static AeadBackend parse(String label) {
        String l = label == null ? "" : label.strip().toLowerCase(Locale.ROOT);
        for (AeadBackend b : values()) {
            if (b.label().equals(l)) {
                return b;
            }
        }
        throw new IllegalArgumentException("AEAD backend must be auto, openssl or jce, not '" + label + "'");
    }

    @Override
    public String toString() {
        return label();
    }
}
