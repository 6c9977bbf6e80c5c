package dev.psk.attest.tpm;

import dev.psk.attest.TpmFormatException;

/**
 * A TPMS_ATTEST (TPM 2.0 Part 2 §10.12.12): what the TPM signs for TPM2_Quote, TPM2_GetTime,
 * TPM2_Certify and the other attestation commands. The parser reads the common header of any type
 * and the body of TPM_ST_ATTEST_QUOTE (pcrSelect, pcrDigest) and TPM_ST_ATTEST_TIME; for other
 * types the body is kept opaque. Parsing does not judge: the magic and type are reported as read,
 * the verifier rejects them. The original bytes are kept because the signature covers exactly them.
 *
 * @param quotePcrs the quoted selection, {@code null} unless {@code type} is a quote
 * @param quotePcrDigest the quoted PCR digest, {@code null} unless {@code type} is a quote
 */
public record TpmsAttest(
        byte[] raw,
        int magic,
        int type,
        byte[] qualifiedSigner,
        byte[] extraData,
        ClockInfo clockInfo,
        long firmwareVersion,
        PcrSelection quotePcrs,
        byte[] quotePcrDigest) {

    /** Largest TPM2B_ATTEST body (sizeof(TPMS_ATTEST) bound used by reference TPMs). */
    public static final int MAX_BYTES = 2048;

    public boolean isQuote() {
        return type == Tpm2.TPM_ST_ATTEST_QUOTE;
    }

    /** Parses a raw TPMS_ATTEST ({@code tpm2_quote -m}); trailing bytes are an error. */
    public static TpmsAttest unmarshal(byte[] raw) throws TpmFormatException {
        if (raw.length > MAX_BYTES) {
            throw new TpmFormatException("TPMS_ATTEST: " + raw.length + " bytes, at most " + MAX_BYTES + " expected");
        }
        TpmReader in = TpmReader.of(raw, "TPMS_ATTEST");
        int magic = in.u32("magic");
        int type = in.u16("type");
        byte[] signer = in.tpm2b(Tpm2.MAX_NAME_BYTES, "qualifiedSigner");
        byte[] extra = in.tpm2b(Tpm2.MAX_DATA_BYTES, "extraData");
        ClockInfo clock = ClockInfo.unmarshal(in);
        long fw = in.u64("firmwareVersion");
        PcrSelection pcrs = null;
        byte[] digest = null;
        switch (type) {
            case Tpm2.TPM_ST_ATTEST_QUOTE -> {
                pcrs = PcrSelection.unmarshal(in);
                digest = in.tpm2b(Tpm2.MAX_DIGEST_BYTES, "pcrDigest");
                in.end();
            }
            case Tpm2.TPM_ST_ATTEST_TIME -> {
                in.u64("TPMS_TIME_INFO.time");
                ClockInfo.unmarshal(in);
                in.u64("TPMS_TIME_ATTEST_INFO.firmwareVersion");
                in.end();
            }
            default -> {
                // Other attestation types: body left opaque; the verifier rejects the type.
            }
        }
        return new TpmsAttest(raw.clone(), magic, type, signer, extra, clock, fw, pcrs, digest);
    }

    /** Writes a quote TPMS_ATTEST; for tests and tools that build evidence, not for the TPM path. */
    public static byte[] marshalQuote(
            int magic,
            int type,
            byte[] qualifiedSigner,
            byte[] extraData,
            ClockInfo clock,
            long firmwareVersion,
            PcrSelection pcrs,
            byte[] pcrDigest) {
        TpmWriter out = new TpmWriter();
        out.u32(magic).u16(type).tpm2b(qualifiedSigner).tpm2b(extraData);
        clock.marshal(out);
        out.u64(firmwareVersion);
        pcrs.marshal(out);
        out.tpm2b(pcrDigest);
        return out.toByteArray();
    }

    /** Name of an attestation type for messages: "TPM_ST_ATTEST_TIME (0x8019)". */
    public static String typeName(int type) {
        String n = switch (type) {
            case Tpm2.TPM_ST_ATTEST_QUOTE -> "TPM_ST_ATTEST_QUOTE";
            case Tpm2.TPM_ST_ATTEST_TIME -> "TPM_ST_ATTEST_TIME";
            case Tpm2.TPM_ST_ATTEST_CERTIFY -> "TPM_ST_ATTEST_CERTIFY";
            case Tpm2.TPM_ST_ATTEST_CREATION -> "TPM_ST_ATTEST_CREATION";
            case Tpm2.TPM_ST_ATTEST_NV -> "TPM_ST_ATTEST_NV";
            case Tpm2.TPM_ST_ATTEST_NV_DIGEST -> "TPM_ST_ATTEST_NV_DIGEST";
            case Tpm2.TPM_ST_ATTEST_COMMAND_AUDIT -> "TPM_ST_ATTEST_COMMAND_AUDIT";
            case Tpm2.TPM_ST_ATTEST_SESSION_AUDIT -> "TPM_ST_ATTEST_SESSION_AUDIT";
            default -> "unknown type";
        };
        return n + String.format(" (0x%04x)", type);
    }
}
