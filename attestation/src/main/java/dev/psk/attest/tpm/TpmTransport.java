package dev.psk.attest.tpm;

import java.io.Closeable;

/**
 * Carries raw TPM 2.0 command bytes to a TPM and returns its raw response (TPM 2.0 Part 1 §18: a
 * 10-byte header with the total size, then the body). One command at a time; not thread-safe.
 */
public interface TpmTransport extends Closeable {
    /** Sends one whole command and returns one whole response. */
    byte[] transact(byte[] command) throws TpmException;

    @Override
    void close();
}
