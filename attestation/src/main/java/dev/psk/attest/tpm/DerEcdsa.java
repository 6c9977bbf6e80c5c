package dev.psk.attest.tpm;

import dev.psk.attest.TpmFormatException;
import java.math.BigInteger;

/**
 * Strict DER for an ECDSA signature (SEC 1 v2 §C.8: SEQUENCE { r INTEGER, s INTEGER }), as {@code
 * tpm2_quote -f plain} writes it. Strict means: definite minimal lengths, minimal positive integers
 * (no superfluous leading zero, no negative), nothing after the sequence — so one signature has one
 * encoding and malleated encodings are rejected (Wycheproof's BER cases).
 */
public final class DerEcdsa {
    private static final int TAG_SEQUENCE = 0x30;
    private static final int TAG_INTEGER = 0x02;
    /** r and s of P-521 need at most 67 bytes; the sequence then stays under 256 bytes. */
    private static final int MAX_INTEGER_BYTES = 67;

    private DerEcdsa() {}

    /** r and s of a DER signature. */
    public static BigInteger[] decode(byte[] der) throws TpmFormatException {
        TpmReader in = TpmReader.of(der, "DER ECDSA signature");
        if (in.u8("SEQUENCE tag") != TAG_SEQUENCE) {
            throw in.error("SEQUENCE tag", "expected 0x30");
        }
        int len = length(in);
        if (len != in.remaining()) {
            throw in.error("SEQUENCE length", "is " + len + " but " + in.remaining() + " bytes follow");
        }
        BigInteger r = integer(in, "r");
        BigInteger s = integer(in, "s");
        in.end();
        return new BigInteger[] {r, s};
    }

    private static int length(TpmReader in) throws TpmFormatException {
        int first = in.u8("length");
        if (first < 0x80) {
            return first;
        }
        if (first == 0x81) {
            int l = in.u8("length");
            if (l < 0x80) {
                throw in.error("length", "uses the long form for " + l + " (not DER)");
            }
            return l;
        }
        throw in.error("length", "form 0x" + Integer.toHexString(first) + " not allowed (DER, under 256 bytes)");
    }

    private static BigInteger integer(TpmReader in, String name) throws TpmFormatException {
        if (in.u8(name + " tag") != TAG_INTEGER) {
            throw in.error(name + " tag", "expected INTEGER 0x02");
        }
        int len = length(in);
        if (len == 0 || len > MAX_INTEGER_BYTES) {
            throw in.error(name, "has length " + len + ", expected 1.." + MAX_INTEGER_BYTES);
        }
        byte[] v = in.bytes(len, name);
        if ((v[0] & 0x80) != 0) {
            throw in.error(name, "is negative");
        }
        if (len > 1 && v[0] == 0 && (v[1] & 0x80) == 0) {
            throw in.error(name, "has a superfluous leading zero (not DER)");
        }
        return new BigInteger(1, v);
    }

    /** DER for r and s (both non-negative). */
    public static byte[] encode(BigInteger r, BigInteger s) {
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        TpmWriter body = new TpmWriter();
        body.u8(TAG_INTEGER);
        writeLength(body, rb.length);
        body.bytes(rb).u8(TAG_INTEGER);
        writeLength(body, sb.length);
        body.bytes(sb);
        byte[] b = body.toByteArray();
        TpmWriter out = new TpmWriter().u8(TAG_SEQUENCE);
        writeLength(out, b.length);
        return out.bytes(b).toByteArray();
    }

    private static void writeLength(TpmWriter out, int len) {
        if (len >= 0x80) {
            out.u8(0x81);
        }
        out.u8(len);
    }
}
