package dev.psk.tunnel.crypto;

/** Chooses a {@link PacketAead} implementation: libcrypto when it loads, the JDK otherwise. */
public final class PacketAeads {
    /** Short names for the {@link AeadBackend} constants, as the callers spell them. */
    public static final AeadBackend AUTO = AeadBackend.AUTO, OPENSSL = AeadBackend.OPENSSL, JCE = AeadBackend.JCE;

    private PacketAeads() {}

    /**
     * A fresh instance for one thread.
     *
     * @throws IllegalStateException for {@link AeadBackend#OPENSSL} when libcrypto does not load
     */
    public static PacketAead create(AeadBackend backend) {
        return switch (backend) {
            case AUTO ->
                OpenSslChaCha20Poly1305.unavailableReason().isEmpty()
                        ? new OpenSslChaCha20Poly1305()
                        : new JceChaCha20Poly1305(PacketAead.MAX_PACKET_BYTES);
            case OPENSSL -> new OpenSslChaCha20Poly1305();
            case JCE -> new JceChaCha20Poly1305(PacketAead.MAX_PACKET_BYTES);
        };
    }

    /**
     * {@link #create(AeadBackend)} by command-line spelling ("auto", "openssl", "jce").
     *
     * @throws IllegalArgumentException for any other name
     */
    public static PacketAead create(String backend) {
        return create(AeadBackend.parse(backend));
    }

    /** What {@code create(AUTO)} would give ("openssl" or "jce"), for the startup banner. */
    public static String autoName() {
        return (OpenSslChaCha20Poly1305.unavailableReason().isEmpty() ? AeadBackend.OPENSSL : AeadBackend.JCE).label();
    }
}
