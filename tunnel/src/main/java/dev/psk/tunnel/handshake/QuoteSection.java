package dev.psk.tunnel.handshake;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A TPM 2.0 quote carried in WELCOME or CONFIRM (docs/protocol.md 3.1):
 * {@code u16 attest_len | u16 sig_len | u16 pcr_len | TPMS_ATTEST | TPMT_SIGNATURE | PCR values}
 * (the PCR values are the quoted selection's digests concatenated, which the verifier hashes and
 * compares with the quote's pcrDigest). Opaque here; {@link QuoteChecker} interprets it. Every
 * part is non-empty and bounded.
 */
public record QuoteSection(byte[] attest, byte[] signature, byte[] pcrValues) {
    public QuoteSection {
        check(attest, HandshakeWire.QUOTE_ATTEST_MAX_BYTES, "quote attest");
        check(signature, HandshakeWire.QUOTE_SIGNATURE_MAX_BYTES, "quote signature");
        check(pcrValues, HandshakeWire.QUOTE_PCRS_MAX_BYTES, "quote PCR values");
        attest = attest.clone();
        signature = signature.clone();
        pcrValues = pcrValues.clone();
    }

    private static void check(byte[] b, int max, String what) {
        if (b.length == 0 || b.length > max) {
            throw new IllegalArgumentException(what + " must be 1.." + max + " bytes, not " + b.length);
        }
    }

    public int encodedBytes() {
        return HandshakeWire.QUOTE_HEADER_BYTES + attest.length + signature.length + pcrValues.length;
    }

    void write(ByteBuffer out) {
        out.putShort((short) attest.length)
                .putShort((short) signature.length)
                .putShort((short) pcrValues.length)
                .put(attest)
                .put(signature)
                .put(pcrValues);
    }

    /** Length of a well-formed quote section at {@code off} that must end exactly at {@code end}, or -1. */
    static int measure(byte[] m, int off, int end) {
        if (end - off < HandshakeWire.QUOTE_HEADER_BYTES) {
            return -1;
        }
        int a = HandshakeCodec.u16(m, off);
        int s = HandshakeCodec.u16(m, off + 2);
        int p = HandshakeCodec.u16(m, off + 4);
        if (a == 0
                || a > HandshakeWire.QUOTE_ATTEST_MAX_BYTES
                || s == 0
                || s > HandshakeWire.QUOTE_SIGNATURE_MAX_BYTES
                || p == 0
                || p > HandshakeWire.QUOTE_PCRS_MAX_BYTES) {
            return -1;
        }
        int len = HandshakeWire.QUOTE_HEADER_BYTES + a + s + p;
        return off + len == end ? len : -1;
    }

    static QuoteSection read(byte[] m, int off) {
        int a = HandshakeCodec.u16(m, off);
        int s = HandshakeCodec.u16(m, off + 2);
        int p = HandshakeCodec.u16(m, off + 4);
        int q = off + HandshakeWire.QUOTE_HEADER_BYTES;
        return new QuoteSection(
                Arrays.copyOfRange(m, q, q + a),
                Arrays.copyOfRange(m, q + a, q + a + s),
                Arrays.copyOfRange(m, q + a + s, q + a + s + p));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuoteSection x
                && Arrays.equals(attest, x.attest)
                && Arrays.equals(signature, x.signature)
                && Arrays.equals(pcrValues, x.pcrValues);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(attest) * 961 + Arrays.hashCode(signature) * 31 + Arrays.hashCode(pcrValues);
    }

    @Override
    public String toString() {
        return "QuoteSection[attest " + attest.length + " bytes, signature " + signature.length + " bytes, PCR values "
                + pcrValues.length + " bytes]";
    }
}
