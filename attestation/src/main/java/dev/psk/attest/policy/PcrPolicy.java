package dev.psk.attest.policy;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.common.Hex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Golden PCR values a quote must show (docs/attestation.md, "Policy file"):
 *
 * <pre>{"description": "…", "pcrs": {"sha256": {"0": "hex digest", "7": "hex digest"}}}</pre>
 *
 * Every PCR named in the policy must be in the quoted selection and equal its golden value; PCRs
 * the quote carries beyond the policy are not judged by it. Strict: unknown fields, unknown banks,
 * indices outside 0-23 and digests of the wrong length are errors. Immutable.
 */
public final class PcrPolicy {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    /** Largest policy file accepted. */
    public static final int MAX_BYTES = 1 << 20;

    private final String description;
    private final Map<HashAlg, Map<Integer, byte[]>> pcrs;

    private PcrPolicy(String description, Map<HashAlg, Map<Integer, byte[]>> pcrs) {
        this.description = description;
        this.pcrs = pcrs;
    }

    /** Builds a policy from banks of (index → value); values are copied. */
    public static PcrPolicy of(String description, Map<HashAlg, Map<Integer, byte[]>> values) {
        Map<HashAlg, Map<Integer, byte[]>> copy = new EnumMap<>(HashAlg.class);
        values.forEach((h, m) -> {
            Map<Integer, byte[]> bank = new TreeMap<>();
            m.forEach((i, v) -> {
                if (i < 0 || i >= Tpm2.PCR_COUNT || v.length != h.digestBytes()) {
                    throw new IllegalArgumentException("policy PCR " + h.toolName() + ":" + i + " needs index 0-23 and "
                            + h.digestBytes() + " bytes");
                }
                bank.put(i, v.clone());
            });
            if (!bank.isEmpty()) {
                copy.put(h, Collections.unmodifiableMap(bank));
            }
        });
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("a policy needs at least one PCR");
        }
        return new PcrPolicy(description == null ? "" : description, Collections.unmodifiableMap(copy));
    }

    public String description() {
        return description;
    }

    /** Bank → (PCR index → golden value). The arrays are the policy's own: do not modify. */
    public Map<HashAlg, Map<Integer, byte[]>> pcrs() {
        return pcrs;
    }

    /** The selection covering exactly the policy's PCRs, banks in sha1, sha256, sha384, sha512 order. */
    public PcrSelection selection() {
        List<PcrSelection.Bank> banks = new ArrayList<>();
        pcrs.forEach((h, m) -> {
            int mask = 0;
            for (int i : m.keySet()) {
                mask |= 1 << i;
            }
            banks.add(new PcrSelection.Bank(h, mask));
        });
        return PcrSelection.of(banks);
    }

    /**
     * Compares the policy with quoted values ({@code values} concatenated in {@code selection}
     * order); returns {@code null} when every policy PCR is present and equal, else why not.
     */
    public String mismatch(PcrSelection selection, byte[] values) {
        for (var bank : pcrs.entrySet()) {
            HashAlg h = bank.getKey();
            for (var pcr : bank.getValue().entrySet()) {
                int offset = offsetOf(selection, h, pcr.getKey());
                if (offset < 0) {
                    return "policy PCR " + h.toolName() + ":" + pcr.getKey() + " is not in the quote";
                }
                if (offset + h.digestBytes() > values.length
                        || !Arrays.equals(
                                values, offset, offset + h.digestBytes(), pcr.getValue(), 0, h.digestBytes())) {
                    return "PCR " + h.toolName() + ":" + pcr.getKey() + " differs from the policy";
                }
            }
        }
        return null;
    }

    /** Byte offset of PCR {@code index} of bank {@code h} in values concatenated in selection order, or -1. */
    public static int offsetOf(PcrSelection selection, HashAlg h, int index) {
        int offset = 0;
        for (PcrSelection.Bank b : selection.banks()) {
            for (int i : b.indices()) {
                if (b.hash() == h && i == index) {
                    return offset;
                }
                offset += b.hash().digestBytes();
            }
        }
        return -1;
    }

    public static PcrPolicy parse(byte[] json) throws TpmFormatException {
        if (json.length > MAX_BYTES) {
            throw new TpmFormatException("policy: " + json.length + " bytes, at most " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new TpmFormatException("policy: not JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new TpmFormatException("policy: expected a JSON object with \"pcrs\"");
        }
        for (String f : root.propertyNames()) {
            if (!f.equals("pcrs") && !f.equals("description")) {
                throw new TpmFormatException(
                        "policy: unknown field \"" + f + "\" (expected \"pcrs\", \"description\")");
            }
        }
        String description = "";
        JsonNode d = root.get("description");
        if (d != null) {
            if (!d.isString()) {
                throw new TpmFormatException("policy: \"description\" must be a string");
            }
            description = d.stringValue();
        }
        JsonNode banks = root.get("pcrs");
        if (banks == null || !banks.isObject() || banks.isEmpty()) {
            throw new TpmFormatException(
                    "policy: \"pcrs\" must be a non-empty object of banks, e.g. {\"sha256\": {\"0\": \"…\"}}");
        }
        Map<HashAlg, Map<Integer, byte[]>> values = new EnumMap<>(HashAlg.class);
        for (String bankName : banks.propertyNames()) {
            HashAlg h = HashAlg.fromName(bankName)
                    .orElseThrow(() -> new TpmFormatException("policy: unknown bank \"" + bankName + "\""));
            JsonNode bank = banks.get(bankName);
            if (!bank.isObject() || bank.isEmpty()) {
                throw new TpmFormatException(
                        "policy: bank \"" + bankName + "\" must be a non-empty object of PCR index to hex value");
            }
            Map<Integer, byte[]> m = new TreeMap<>();
            for (String idx : bank.propertyNames()) {
                int i = index(idx, bankName);
                JsonNode v = bank.get(idx);
                if (!v.isString()) {
                    throw new TpmFormatException("policy: " + bankName + ":" + idx + " must be a hex string");
                }
                byte[] b;
                try {
                    b = Hex.decode(v.stringValue(), bankName + ":" + idx);
                } catch (IllegalArgumentException e) {
                    throw new TpmFormatException("policy: " + e.getMessage());
                }
                if (b.length != h.digestBytes()) {
                    throw new TpmFormatException("policy: " + bankName + ":" + idx + " has " + b.length + " bytes, "
                            + h.toolName() + " needs " + h.digestBytes());
                }
                m.put(i, b);
            }
            if (values.put(h, m) != null) {
                throw new TpmFormatException("policy: bank " + h.toolName() + " appears twice");
            }
        }
        return of(description, values);
    }

    private static int index(String s, String bank) throws TpmFormatException {
        if (s.isEmpty() || s.length() > 2 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new TpmFormatException("policy: bank " + bank + " has PCR key \"" + s + "\", expected 0-23");
        }
        int i = Integer.parseInt(s);
        if (i >= Tpm2.PCR_COUNT) {
            throw new TpmFormatException("policy: bank " + bank + " has PCR " + i + ", expected 0-23");
        }
        return i;
    }

    /** The policy as pretty-printed JSON, banks and PCRs in ascending order. */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        if (!description.isEmpty()) {
            root.put("description", description);
        }
        ObjectNode banks = root.putObject("pcrs");
        pcrs.forEach((h, m) -> {
            ObjectNode bank = banks.putObject(h.toolName());
            m.forEach((i, v) -> bank.put(Integer.toString(i), Hex.encode(v)));
        });
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }
}
