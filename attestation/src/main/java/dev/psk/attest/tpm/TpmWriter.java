package dev.psk.attest.tpm;

import java.io.ByteArrayOutputStream;

/** Big-endian writer for TPM 2.0 command and structure bytes (TPM 2.0 Part 1 §4). */
public final class TpmWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    public TpmWriter u8(int v) {
        out.write(v);
        return this;
    }

    public TpmWriter u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public TpmWriter u32(int v) {
        u16(v >>> 16);
        return u16(v);
    }

    public TpmWriter u64(long v) {
        u32((int) (v >>> 32));
        return u32((int) v);
    }

    public TpmWriter bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    /** A TPM2B: UINT16 size then the bytes. */
    public TpmWriter tpm2b(byte[] b) {
        if (b.length > 0xffff) {
            throw new IllegalArgumentException("TPM2B larger than 65535 bytes: " + b.length);
        }
        u16(b.length);
        return bytes(b);
    }

    public int size() {
        return out.size();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
