package dev.psk.attest.tpm;

import dev.psk.attest.TpmFormatException;

/**
 * Reading NV indices (TPM 2.0 Part 3 §31): TPM2_NV_ReadPublic for the size and attributes, then
 * TPM2_NV_Read in chunks small enough for every TPM's TPM_PT_NV_BUFFER_MAX. The read is
 * authorized by the index itself (AUTHREAD) or the owner (OWNERREAD), with empty passwords, as for
 * the EK certificate indices the platform manufacturer writes.
 */
public final class TpmNv {
    /** The public area of an NV index that matters for reading it. */
    public record NvPublic(int index, int attributes, int dataSize) {}

    /** Below every TPM's TPM_PT_NV_BUFFER_MAX (1024 on swtpm, 768 on some discrete TPMs). */
    static final int CHUNK_BYTES = 512;

    private TpmNv() {}

    /** TPM2_NV_ReadPublic (Part 3 §31.6); TPM_RC_HANDLE when the index is not defined. */
    public static NvPublic readPublic(Tpm tpm, int index) throws TpmException {
        TpmReader r =
                tpm.call("TPM2_NV_ReadPublic", Tpm2.TPM_CC_NV_READ_PUBLIC, new int[] {index}, new int[0], new byte[0]);
        try {
            int size = r.u16("nvPublic.size");
            int start = r.position();
            int got = r.u32("nvPublic.nvIndex");
            r.u16("nvPublic.nameAlg");
            int attributes = r.u32("nvPublic.attributes");
            r.tpm2b(Tpm2.MAX_DIGEST_BYTES, "nvPublic.authPolicy");
            int dataSize = r.u16("nvPublic.dataSize");
            if (r.position() - start != size || got != index) {
                throw new TpmException(String.format(
                        "TPM2_NV_ReadPublic: answer for 0x%08x is inconsistent (index 0x%08x, %d of %d bytes)",
                        index, got, r.position() - start, size));
            }
            return new NvPublic(index, attributes, dataSize);
        } catch (TpmFormatException e) {
            throw new TpmException("TPM2_NV_ReadPublic: malformed response: " + e.getMessage(), e);
        }
    }

    /** The whole contents of a written NV index. */
    public static byte[] readAll(Tpm tpm, int index) throws TpmException {
        NvPublic pub = readPublic(tpm, index);
        if ((pub.attributes() & Tpm2.TPMA_NV_WRITTEN) == 0) {
            throw new TpmException(String.format("NV index 0x%08x is defined but was never written", index));
        }
        int authHandle;
        if ((pub.attributes() & Tpm2.TPMA_NV_AUTHREAD) != 0) {
            authHandle = index;
        } else if ((pub.attributes() & Tpm2.TPMA_NV_OWNERREAD) != 0) {
            authHandle = Tpm2.TPM_RH_OWNER;
        } else {
            throw new TpmException(String.format(
                    "NV index 0x%08x is readable neither with its own nor with the owner's authorization", index));
        }
        TpmWriter out = new TpmWriter();
        for (int offset = 0; offset < pub.dataSize(); ) {
            int n = Math.min(CHUNK_BYTES, pub.dataSize() - offset);
            byte[] params = new TpmWriter().u16(n).u16(offset).toByteArray();
            TpmReader r = tpm.call(
                    "TPM2_NV_Read",
                    Tpm2.TPM_CC_NV_READ,
                    new int[] {authHandle, index},
                    new int[] {Tpm2.TPM_RS_PW},
                    params);
            try {
                r.u32("parameterSize");
                byte[] chunk = r.tpm2b(CHUNK_BYTES, "data");
                if (chunk.length != n) {
                    throw new TpmException(
                            "TPM2_NV_Read: asked for " + n + " bytes at offset " + offset + ", got " + chunk.length);
                }
                out.bytes(chunk);
                offset += n;
            } catch (TpmFormatException e) {
                throw new TpmException("TPM2_NV_Read: malformed response: " + e.getMessage(), e);
            }
        }
        return out.toByteArray();
    }
}
