package dev.psk.common.ffm;

/** libcrypto is absent, or lacks a function a caller asked for. */
public final class LibCryptoException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public LibCryptoException(String message) {
        super(message);
    }
}
