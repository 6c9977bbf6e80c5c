package dev.psk.tunnel.crypto;

import java.security.GeneralSecurityException;

/** The peer's X25519 public key has small order: the shared secret would be all zeros. */
public final class LowOrderPointException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public LowOrderPointException() {
        super("X25519: peer public key has small order");
    }
}
