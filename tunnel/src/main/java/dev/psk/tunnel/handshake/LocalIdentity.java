package dev.psk.tunnel.handshake;

import dev.psk.common.PskException;

/**
 * This end's identity: the identity_id sent in HELLO/WELCOME and, when a token backs it, a signer.
 * The production implementation signs through PKCS#11 (dev.psk.identity); tests use software keys.
 */
public interface LocalIdentity {
    /** identity_id: first 8 bytes of SHA-256 over the public key's SubjectPublicKeyInfo DER (all zero: none). */
    byte[] identityId();

    /** Salted serial id (0, 8 or 16 bytes). */
    default byte[] serialId() {
        return new byte[0];
    }

    boolean canSign();

    /** ECDSA P-256 / SHA-256 over {@code transcript}, returned as 64-byte IEEE P1363 r || s. */
    byte[] sign(byte[] transcript) throws PskException;

    /** An identity with no key: PSK mode without a token. */
    static LocalIdentity none(byte[] serialId) {
        byte[] serial = serialId.clone();
        return new LocalIdentity() {
            @Override
            public byte[] identityId() {
                return new byte[HandshakeWire.IDENTITY_ID_BYTES];
            }

            @Override
            public byte[] serialId() {
                return serial.clone();
            }

            @Override
            public boolean canSign() {
                return false;
            }

            @Override
            public byte[] sign(byte[] transcript) throws PskException {
                throw new PskException("no --identity configured: cannot sign the handshake transcript");
            }
        };
    }
}
