package dev.psk.attest.tpm;

import dev.psk.attest.TpmFormatException;
import java.util.Arrays;

/**
 * Bounded reader over a byte array for TPM 2.0 structures (big-endian, TPM 2.0 Part 1 §4) and, with
 * {@link #littleEndian}, for TCG event logs. Every read checks the remaining length first and
 * throws {@link TpmFormatException} naming the structure, field and offset: no other exception
 * escapes, whatever the input.
 */
public final class TpmReader {
    private final byte[] data;
    private final String structure;
    private final boolean littleEndian;
    private int pos;

    private TpmReader(byte[] data, String structure, boolean littleEndian) {
        this.data = data;
        this.structure = structure;
        this.littleEndian = littleEndian;
    }

    /** Big-endian reader (TPM wire order) over the whole array, which it does not copy. */
    public static TpmReader of(byte[] data, String structure) {
        return new TpmReader(data, structure, false);
    }

    /** Little-endian reader (TCG PC Client event log order). */
    public static TpmReader littleEndian(byte[] data, String structure) {
        return new TpmReader(data, structure, true);
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return data.length - pos;
    }

    public String structure() {
        return structure;
    }

    private void need(int n, String field) throws TpmFormatException {
        if (n < 0 || n > data.length - pos) {
            throw error(field, "needs " + n + " bytes, " + (data.length - pos) + " left");
        }
    }

    /** An exception for a field at the current offset. */
    public TpmFormatException error(String field, String problem) {
        return new TpmFormatException(structure + ": " + field + " at offset " + pos + " " + problem);
    }

    public int u8(String field) throws TpmFormatException {
        need(1, field);
        return data[pos++] & 0xff;
    }

    public int u16(String field) throws TpmFormatException {
        need(2, field);
        int a = data[pos] & 0xff;
        int b = data[pos + 1] & 0xff;
        pos += 2;
        return littleEndian ? (b << 8) | a : (a << 8) | b;
    }

    /** An unsigned 32-bit value as a long-free int (callers compare with Integer.compareUnsigned). */
    public int u32(String field) throws TpmFormatException {
        need(4, field);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int b = data[pos + (littleEndian ? 3 - i : i)] & 0xff;
            v = (v << 8) | b;
        }
        pos += 4;
        return v;
    }

    public long u64(String field) throws TpmFormatException {
        need(8, field);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            long b = data[pos + (littleEndian ? 7 - i : i)] & 0xff;
            v = (v << 8) | b;
        }
        pos += 8;
        return v;
    }

    public byte[] bytes(int n, String field) throws TpmFormatException {
        need(n, field);
        byte[] out = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    public void skip(int n, String field) throws TpmFormatException {
        need(n, field);
        pos += n;
    }

    /** A copy of bytes already read, {@code from} to {@code to} (absolute offsets, {@code to <= position()}). */
    public byte[] slice(int from, int to) {
        if (from < 0 || to > pos || from > to) {
            throw new IllegalArgumentException("slice " + from + ".." + to + " outside the consumed 0.." + pos);
        }
        return Arrays.copyOfRange(data, from, to);
    }

    /** A TPM2B: UINT16 size then that many bytes, at most {@code max}. */
    public byte[] tpm2b(int max, String field) throws TpmFormatException {
        int size = u16(field + ".size");
        if (size > max) {
            pos -= 2;
            throw error(field, "has size " + size + ", at most " + max + " allowed");
        }
        return bytes(size, field);
    }

    /** Requires that every byte was consumed: trailing bytes mean the input is not this structure. */
    public void end() throws TpmFormatException {
        if (pos != data.length) {
            throw error("end", "expected, " + (data.length - pos) + " trailing bytes");
        }
    }
}
