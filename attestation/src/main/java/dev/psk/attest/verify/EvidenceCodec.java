package dev.psk.attest.verify;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.TpmReader;
import dev.psk.attest.tpm.TpmWriter;
import dev.psk.attest.tpm.TpmsAttest;

/**
 * A compact encoding of {@link QuoteEvidence} for carrying a quote inside another protocol (the
 * tunnel handshake): version byte 0x01, then three big-endian UINT16-length-prefixed fields —
 * TPMS_ATTEST, signature (any accepted form), PCR values. Event logs are not carried (they are
 * large; a peer that wants one fetches it out of band). Decoding is strict and bounded and throws
 * only {@link TpmFormatException}. About 400 bytes for an ECDSA quote over 8 SHA-256 PCRs.
 */
public final class EvidenceCodec {
    /** The format version this codec writes and reads. */
    public static final int VERSION = 1;
    /** Largest signature field: a TPMT_SIGNATURE of RSA-4096. */
    public static final int MAX_SIGNATURE_BYTES = 6 + 512;
    /** Largest values field: 24 PCRs in each of sha1, sha256, sha384, sha512. */
    public static final int MAX_VALUES_BYTES = 24 * (20 + 32 + 48 + 64);

    private EvidenceCodec() {}

    public static byte[] encode(QuoteEvidence e) {
        if (e.attest().length > TpmsAttest.MAX_BYTES
                || e.signature().length > MAX_SIGNATURE_BYTES
                || e.pcrValues().length > MAX_VALUES_BYTES) {
            throw new IllegalArgumentException("evidence larger than the codec's bounds");
        }
        return new TpmWriter()
                .u8(VERSION)
                .tpm2b(e.attest())
                .tpm2b(e.signature())
                .tpm2b(e.pcrValues())
                .toByteArray();
    }

    public static QuoteEvidence decode(byte[] bytes) throws TpmFormatException {
        TpmReader in = TpmReader.of(bytes, "quote evidence");
        int v = in.u8("version");
        if (v != VERSION) {
            throw in.error("version", "is " + v + ", expected " + VERSION);
        }
        byte[] attest = in.tpm2b(TpmsAttest.MAX_BYTES, "attest");
        byte[] sig = in.tpm2b(MAX_SIGNATURE_BYTES, "signature");
        byte[] values = in.tpm2b(MAX_VALUES_BYTES, "pcrValues");
        in.end();
        return new QuoteEvidence(attest, sig, values);
    }
}
