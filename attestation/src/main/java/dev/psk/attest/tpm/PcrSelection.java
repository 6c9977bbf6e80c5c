package dev.psk.attest.tpm;

import dev.psk.attest.TpmFormatException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A TPML_PCR_SELECTION (TPM 2.0 Part 2 §10.9.7): an ordered list of banks, each a hash algorithm
 * and a set of PCR indices. The order matters: PCR values are concatenated bank by bank in list
 * order, lowest index first within a bank (Part 1 §17.6.2), which is also the order of
 * {@code tpm2_quote -F values} and {@code tpm2_pcrread -o}. Immutable.
 */
public final class PcrSelection {
    /** One TPMS_PCR_SELECTION: a bank and a bitmap of PCRs 0..31 (bit i = PCR i). */
    public record Bank(HashAlg hash, int mask) {
        public Bank {
            if (mask == 0) {
                throw new IllegalArgumentException("a PCR bank selection needs at least one PCR");
            }
        }

        /** Selected indices, ascending. */
        public List<Integer> indices() {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                if ((mask & (1 << i)) != 0) {
                    out.add(i);
                }
            }
            return out;
        }

        public int count() {
            return Integer.bitCount(mask);
        }

        public boolean contains(int pcr) {
            return pcr >= 0 && pcr < 32 && (mask & (1 << pcr)) != 0;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(hash.toolName()).append(':');
            List<Integer> idx = indices();
            for (int i = 0; i < idx.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(idx.get(i));
            }
            return sb.toString();
        }
    }

    private final List<Bank> banks;

    private PcrSelection(List<Bank> banks) {
        this.banks = List.copyOf(banks);
    }

    public static PcrSelection of(List<Bank> banks) {
        if (banks.isEmpty()) {
            throw new IllegalArgumentException("a PCR selection needs at least one bank");
        }
        for (int i = 0; i < banks.size(); i++) {
            for (int j = i + 1; j < banks.size(); j++) {
                if (banks.get(i).hash() == banks.get(j).hash()) {
                    throw new IllegalArgumentException(
                            "bank " + banks.get(i).hash().toolName() + " selected twice");
                }
            }
        }
        return new PcrSelection(banks);
    }

    public List<Bank> banks() {
        return banks;
    }

    public Optional<Bank> bank(HashAlg hash) {
        return banks.stream().filter(b -> b.hash() == hash).findFirst();
    }

    /** Number of selected PCRs over every bank. */
    public int count() {
        return banks.stream().mapToInt(Bank::count).sum();
    }

    /** Total bytes of the concatenated PCR values this selection describes. */
    public int valuesBytes() {
        return banks.stream().mapToInt(b -> b.count() * b.hash().digestBytes()).sum();
    }

    /**
     * Parses tpm2-tools' selection syntax: {@code sha256:0,1,2}, ranges {@code sha256:0-7}, {@code
     * sha256:all} (0-23), several banks joined by {@code +} ({@code sha1:0+sha256:0-7}).
     *
     * @throws IllegalArgumentException naming the problem (a usage error for CLIs)
     */
    public static PcrSelection parse(String text) {
        List<Bank> banks = new ArrayList<>();
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("PCR selection is empty; expected e.g. sha256:0-7");
        }
        for (String part : text.strip().split("\\+", -1)) {
            int colon = part.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(
                        "PCR selection '" + part + "': expected BANK:LIST, e.g. sha256:0,1,2");
            }
            String alg = part.substring(0, colon);
            HashAlg hash = HashAlg.fromName(alg)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "PCR selection '" + part + "': unknown bank '" + alg + "' (sha1, sha256, sha384, sha512)"));
            String list = part.substring(colon + 1).strip();
            int mask = 0;
            if (list.equalsIgnoreCase("all")) {
                mask = (1 << Tpm2.PCR_COUNT) - 1;
            } else {
                for (String item : list.split(",", -1)) {
                    String it = item.strip();
                    int dash = it.indexOf('-');
                    int lo = pcrIndex(dash < 0 ? it : it.substring(0, dash), part);
                    int hi = dash < 0 ? lo : pcrIndex(it.substring(dash + 1), part);
                    if (hi < lo) {
                        throw new IllegalArgumentException(
                                "PCR selection '" + part + "': range " + it + " runs backwards");
                    }
                    for (int i = lo; i <= hi; i++) {
                        mask |= 1 << i;
                    }
                }
            }
            banks.add(new Bank(hash, mask));
        }
        return of(banks);
    }

    private static int pcrIndex(String s, String part) {
        String t = s.strip();
        if (t.isEmpty() || t.length() > 2 || !t.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("PCR selection '" + part + "': '" + s + "' is not a PCR index 0-23");
        }
        int v = Integer.parseInt(t);
        if (v >= Tpm2.PCR_COUNT) {
            throw new IllegalArgumentException("PCR selection '" + part + "': PCR " + v + " out of range 0-23");
        }
        return v;
    }

    /** Reads a TPML_PCR_SELECTION. Banks with an empty bitmap are kept out (they select nothing). */
    public static PcrSelection unmarshal(TpmReader in) throws TpmFormatException {
        int count = in.u32("TPML_PCR_SELECTION.count");
        if (count < 0 || count > Tpm2.MAX_PCR_BANKS) {
            throw in.error(
                    "TPML_PCR_SELECTION.count",
                    "is " + Integer.toUnsignedString(count) + ", at most " + Tpm2.MAX_PCR_BANKS);
        }
        List<Bank> banks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int alg = in.u16("TPMS_PCR_SELECTION.hash");
            HashAlg hash = HashAlg.fromId(alg).orElse(null);
            if (hash == null) {
                throw in.error("TPMS_PCR_SELECTION.hash", "is unknown algorithm 0x" + Integer.toHexString(alg));
            }
            int size = in.u8("TPMS_PCR_SELECTION.sizeofSelect");
            if (size > 4) {
                throw in.error("TPMS_PCR_SELECTION.sizeofSelect", "is " + size + ", at most 4");
            }
            int mask = 0;
            for (int b = 0; b < size; b++) {
                mask |= in.u8("TPMS_PCR_SELECTION.pcrSelect") << (8 * b);
            }
            for (Bank prior : banks) {
                if (prior.hash() == hash) {
                    throw in.error("TPMS_PCR_SELECTION.hash", "repeats bank " + hash.toolName());
                }
            }
            if (mask != 0) {
                banks.add(new Bank(hash, mask));
            }
        }
        return new PcrSelection(banks);
    }

    public static PcrSelection unmarshal(byte[] bytes) throws TpmFormatException {
        TpmReader in = TpmReader.of(bytes, "TPML_PCR_SELECTION");
        PcrSelection s = unmarshal(in);
        in.end();
        return s;
    }

    /** Writes a TPML_PCR_SELECTION with 3-byte bitmaps (4 when a PCR above 23 is selected). */
    public void marshal(TpmWriter out) {
        out.u32(banks.size());
        for (Bank b : banks) {
            int size = (b.mask() >>> 24) != 0 ? 4 : Tpm2.PCR_SELECT_BYTES;
            out.u16(b.hash().id()).u8(size);
            for (int i = 0; i < size; i++) {
                out.u8(b.mask() >>> (8 * i));
            }
        }
    }

    public boolean isEmpty() {
        return banks.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcrSelection p && p.banks.equals(banks);
    }

    @Override
    public int hashCode() {
        return banks.hashCode();
    }

    /** tpm2-tools syntax, e.g. {@code sha256:0,1,2+sha1:7}; "(empty)" for no bank. */
    @Override
    public String toString() {
        if (banks.isEmpty()) {
            return "(empty)";
        }
        List<String> parts = new ArrayList<>();
        for (Bank b : banks) {
            parts.add(b.toString());
        }
        return String.join("+", Collections.unmodifiableList(parts));
    }
}
