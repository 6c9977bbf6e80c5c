package dev.psk.attest.tpm;

import dev.psk.attest.TpmFormatException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * tpm2-tools' "serialized" PCR file ({@code tpm2_quote -o} default, {@code tpm2_pcrread -o -F
 * serialized}), the only PCR format {@code tpm2_checkquote -f} 5.4 reads. It is a dump of C
 * structures in host (little-endian) order: a TPML_PCR_SELECTION with all 16 TPMS_PCR_SELECTION
 * slots (hash UINT16, sizeofSelect UINT8, pcrSelect[4], one pad byte), a UINT32 count of
 * TPML_DIGEST blocks, then each TPML_DIGEST in full (UINT32 count, 8 TPM2B_DIGEST of 2 + 64 bytes).
 * Values are in selection order, eight per block.
 */
public final class ToolsPcrFile {
    private static final int SELECTION_SLOTS = 16;
    private static final int SELECTION_SLOT_BYTES = 8;
    private static final int SELECTION_BYTES = 4 + SELECTION_SLOTS * SELECTION_SLOT_BYTES;
    private static final int DIGEST_SLOT_BYTES = 2 + Tpm2.MAX_DIGEST_BYTES;
    private static final int DIGEST_LIST_BYTES = 4 + Tpm2.MAX_DIGESTS_PER_READ * DIGEST_SLOT_BYTES;
    /** 24 PCRs in each of 5 banks fit in 15 blocks. */
    private static final int MAX_BLOCKS = 16;

    /** The selection and its values concatenated in selection order. */
    public record Contents(PcrSelection selection, byte[] values) {}

    private ToolsPcrFile() {}

    /** True when {@code size} is a possible size of this format. */
    public static boolean plausibleSize(int size) {
        int rest = size - SELECTION_BYTES - 4;
        return rest > 0 && rest % DIGEST_LIST_BYTES == 0;
    }

    public static Contents parse(byte[] file) throws TpmFormatException {
        TpmReader in = TpmReader.littleEndian(file, "tpm2-tools PCR file");
        int count = in.u32("TPML_PCR_SELECTION.count");
        if (count <= 0 || count > SELECTION_SLOTS) {
            throw in.error(
                    "TPML_PCR_SELECTION.count",
                    "is " + Integer.toUnsignedString(count) + ", expected 1-" + SELECTION_SLOTS);
        }
        List<PcrSelection.Bank> banks = new ArrayList<>();
        for (int i = 0; i < SELECTION_SLOTS; i++) {
            int alg = in.u16("TPMS_PCR_SELECTION.hash");
            int size = in.u8("TPMS_PCR_SELECTION.sizeofSelect");
            int mask = 0;
            for (int b = 0; b < 4; b++) {
                mask |= in.u8("TPMS_PCR_SELECTION.pcrSelect") << (8 * b);
            }
            in.u8("padding");
            if (i >= count) {
                continue;
            }
            HashAlg h = HashAlg.fromId(alg)
                    .orElseThrow(() ->
                            in.error("TPMS_PCR_SELECTION.hash", "is unknown algorithm 0x" + Integer.toHexString(alg)));
            if (size > 4) {
                throw in.error("TPMS_PCR_SELECTION.sizeofSelect", "is " + size + ", at most 4");
            }
            if (size < 4) {
                mask &= (1 << (8 * size)) - 1;
            }
            if (mask != 0) {
                banks.add(new PcrSelection.Bank(h, mask));
            }
        }
        PcrSelection sel;
        try {
            sel = PcrSelection.of(banks);
        } catch (IllegalArgumentException e) {
            throw in.error("TPML_PCR_SELECTION", e.getMessage());
        }
        int blocks = in.u32("digest block count");
        if (blocks <= 0 || blocks > MAX_BLOCKS) {
            throw in.error(
                    "digest block count", "is " + Integer.toUnsignedString(blocks) + ", expected 1-" + MAX_BLOCKS);
        }
        ByteArrayOutputStream values = new ByteArrayOutputStream();
        List<Integer> sizes = new ArrayList<>();
        for (PcrSelection.Bank b : sel.banks()) {
            for (int ignored : b.indices()) {
                sizes.add(b.hash().digestBytes());
            }
        }
        int next = 0;
        for (int blk = 0; blk < blocks; blk++) {
            int n = in.u32("TPML_DIGEST.count");
            if (n < 0 || n > Tpm2.MAX_DIGESTS_PER_READ) {
                throw in.error("TPML_DIGEST.count", "is " + Integer.toUnsignedString(n) + ", at most 8");
            }
            for (int d = 0; d < Tpm2.MAX_DIGESTS_PER_READ; d++) {
                int size = in.u16("TPM2B_DIGEST.size");
                byte[] v = in.bytes(Tpm2.MAX_DIGEST_BYTES, "TPM2B_DIGEST.buffer");
                if (d >= n) {
                    continue;
                }
                if (next >= sizes.size() || size != sizes.get(next)) {
                    throw in.error(
                            "TPM2B_DIGEST.size",
                            "is " + size + " for value " + next + ", selection " + sel + " expects "
                                    + (next < sizes.size() ? sizes.get(next) + " bytes" : "no more values"));
                }
                values.write(v, 0, size);
                next++;
            }
        }
        in.end();
        if (next != sizes.size()) {
            throw new TpmFormatException("tpm2-tools PCR file: " + next + " values for a selection of " + sizes.size());
        }
        return new Contents(sel, values.toByteArray());
    }

    public static byte[] write(PcrSelection selection, byte[] values) {
        if (values.length != selection.valuesBytes() || selection.banks().size() > SELECTION_SLOTS) {
            throw new IllegalArgumentException("values do not match the selection " + selection);
        }
        List<byte[]> digests = new ArrayList<>();
        int off = 0;
        for (PcrSelection.Bank b : selection.banks()) {
            for (int ignored : b.indices()) {
                byte[] v = new byte[b.hash().digestBytes()];
                System.arraycopy(values, off, v, 0, v.length);
                off += v.length;
                digests.add(v);
            }
        }
        int blocks = (digests.size() + Tpm2.MAX_DIGESTS_PER_READ - 1) / Tpm2.MAX_DIGESTS_PER_READ;
        byte[] out = new byte[SELECTION_BYTES + 4 + blocks * DIGEST_LIST_BYTES];
        int p = putLe32(out, 0, selection.banks().size());
        for (PcrSelection.Bank b : selection.banks()) {
            out[p] = (byte) b.hash().id();
            out[p + 1] = (byte) (b.hash().id() >>> 8);
            out[p + 2] = (byte) ((b.mask() >>> 24) != 0 ? 4 : 3);
            putLe32(out, p + 3, b.mask());
            p += SELECTION_SLOT_BYTES;
        }
        p = putLe32(out, SELECTION_BYTES, blocks);
        for (int blk = 0; blk < blocks; blk++) {
            int n = Math.min(Tpm2.MAX_DIGESTS_PER_READ, digests.size() - blk * Tpm2.MAX_DIGESTS_PER_READ);
            int base = p + blk * DIGEST_LIST_BYTES;
            putLe32(out, base, n);
            for (int d = 0; d < n; d++) {
                byte[] v = digests.get(blk * Tpm2.MAX_DIGESTS_PER_READ + d);
                int slot = base + 4 + d * DIGEST_SLOT_BYTES;
                out[slot] = (byte) v.length;
                out[slot + 1] = (byte) (v.length >>> 8);
                System.arraycopy(v, 0, out, slot + 2, v.length);
            }
        }
        return out;
    }

    private static int putLe32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
        return off + 4;
    }
}
