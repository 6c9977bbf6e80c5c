package dev.psk.tunnel.noise;

import dev.psk.tunnel.crypto.PresharedKey;
import dev.psk.tunnel.crypto.X25519PublicKey;

/** Test responders' key checks. */
public final class StaticKeyChecks {
    private StaticKeyChecks() {}

    /**
     * Accepts any initiator with {@code psk} and hands the handshake {@code staticStatic} as its
     * cached static-static DH, as the hub does from a client's state.
     */
    public static IkPsk2Handshake.StaticKeyCheck withStaticStatic(PresharedKey psk, byte[] staticStatic) {
        return new IkPsk2Handshake.StaticKeyCheck() {
            @Override
            public PresharedKey pskFor(X25519PublicKey initiatorStatic) {
                return psk;
            }

            @Override
            public byte[] staticStaticFor(X25519PublicKey initiatorStatic) {
                return staticStatic;
            }
        };
    }
}
