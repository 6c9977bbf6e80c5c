package dev.psk.tunnel.handshake;

import java.util.Locale;

/** {@code --handshake off|psk|signed|attested}. */
public enum HandshakeMode {
    /** No handshake: the seed's data path exactly, interoperable with the reference. */
    OFF,
    /** HELLO/WELCOME/CONFIRM authenticated by the pad's hello keys; identity ids are identifiers only. */
    PSK,
    /** PSK plus a hardware signature over the transcript from both sides, checked against pinned keys. */
    SIGNED,
    /** SIGNED plus a TPM quote from the side(s) a peer demands it of. */
    ATTESTED;

    public boolean requiresSignature() {
        return this == SIGNED || this == ATTESTED;
    }

    public static HandshakeMode parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
