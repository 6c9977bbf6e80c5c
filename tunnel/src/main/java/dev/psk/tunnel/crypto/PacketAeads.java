package dev.psk.tunnel.crypto;

import java.util.Locale;

/** Chooses a {@link PacketAead} implementation: libcrypto when it loads, the JDK otherwise. */
public final class PacketAeads {
    /** Names accepted by {@link #create(String)}. */
    public static final String AUTO = "auto", OPENSSL = "openssl", JCE = "jce";

    private PacketAeads() {}

    /** A fresh instance for one thread; {@code backend} is "auto", "openssl" or "jce". */
    public static PacketAead create(String backend) {
        return switch (backend.toLowerCase(Locale.ROOT)) {
            case AUTO ->
                OpenSslChaCha20Poly1305.unavailableReason().isEmpty()
                        ? new OpenSslChaCha20Poly1305()
                        : new JceChaCha20Poly1305(PacketAead.MAX_PACKET_BYTES);
            case OPENSSL -> new OpenSslChaCha20Poly1305();
            case JCE -> new JceChaCha20Poly1305(PacketAead.MAX_PACKET_BYTES);
            default ->
                throw new IllegalArgumentException("AEAD backend must be auto, openssl or jce, not '" + backend + "'");
        };
    }

    /** What {@code create("auto")} would give, for the startup banner. */
    public static String autoName() {
        return OpenSslChaCha20Poly1305.unavailableReason().isEmpty() ? OPENSSL : JCE;
    }
}
