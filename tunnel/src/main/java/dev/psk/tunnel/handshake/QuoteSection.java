package dev.psk.tunnel.handshake;

import java.nio.ByteBuffer;

/**
 * A TPM 2.0 quote carried in WELCOME or CONFIRM: {@code u16 attest_len | u16 sig_len | TPMS_ATTEST |
 * TPMT_SIGNATURE}. Opaque here; {@link QuoteChecker} interprets it. Both parts are non-empty and
 * bounded ({@link HandshakeWire#QUOTE_ATTEST_MAX_BYTES}, {@link HandshakeWire#QUOTE_SIGNATURE_MAX_BYTES}).
 */
public record QuoteSection(byte[] attest, byte[] signature) {
    public QuoteSection {
        if (attest.length == 0 || attest.length > HandshakeWire.QUOTE_ATTEST_MAX_BYTES) {
            throw new IllegalArgumentException("quote attest must be 1.." + HandshakeWire.QUOTE_ATTEST_MAX_BYTES
                    + " bytes, not " + attest.length);
        }
        if (signature.length == 0 || signature.length > HandshakeWire.QUOTE_SIGNATURE_MAX_BYTES) {
            throw new IllegalArgumentException("quote signature must be 1.." + HandshakeWire.QUOTE_SIGNATURE_MAX_BYTES
                    + " bytes, not " + signature.length);
        }
        attest = attest.clone();
        signature = signature.clone();
    }

    public int encodedBytes() {
        return HandshakeWire.QUOTE_HEADER_BYTES + attest.length + signature.length;
    }

    void write(ByteBuffer out) {
        out.putShort((short) attest.length).putShort((short) signature.length).put(attest).put(signature);
    }

    /**
     * Length of a well-formed quote section at {@code off} that must end exactly at {@code end}, or -1.
     */
    static int measure(byte[] m, int off, int end) {
        if (end - off < HandshakeWire.QUOTE_HEADER_BYTES) {
            return -1;
        }
        int a = ((m[off] & 0xff) << 8) | (m[off + 1] & 0xff);
        int s = ((m[off + 2] & 0xff) << 8) | (m[off + 3] & 0xff);
        if (a == 0 || a > HandshakeWire.QUOTE_ATTEST_MAX_BYTES || s == 0 || s > HandshakeWire.QUOTE_SIGNATURE_MAX_BYTES) {
            return -1;
        }
        int len = HandshakeWire.QUOTE_HEADER_BYTES + a + s;
        return off + len == end ? len : -1;
    }

    static QuoteSection read(byte[] m, int off) {
        int a = ((m[off] & 0xff) << 8) | (m[off + 1] & 0xff);
        int s = ((m[off + 2] & 0xff) << 8) | (m[off + 3] & 0xff);
        int p = off + HandshakeWire.QUOTE_HEADER_BYTES;
        return new QuoteSection(java.util.Arrays.copyOfRange(m, p, p + a), java.util.Arrays.copyOfRange(m, p + a, p + a + s));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuoteSection q && java.util.Arrays.equals(attest, q.attest)
                && java.util.Arrays.equals(signature, q.signature);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(attest) + java.util.Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "QuoteSection[attest " + attest.length + " bytes, signature " + signature.length + " bytes]";
    }
}
