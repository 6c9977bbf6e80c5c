package dev.psk.attest.tpm;

import dev.psk.attest.TpmFormatException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The few TPM 2.0 commands attestation needs (TPM 2.0 Part 3): CreatePrimary, ReadPublic, Quote,
 * PCR_Read and FlushContext, marshalled by hand over a {@link TpmTransport}. Authorization is a
 * password session (TPM_RS_PW) with an empty password, as for a default endorsement hierarchy and
 * an AK without userAuth. Not thread-safe; one instance per connection.
 *
 * <p>Callers own every transient handle they obtain and must {@link #flush} it (in a finally):
 * over swtpm there is no resource manager to do it.
 */
public final class Tpm implements AutoCloseable {
    /** A loaded object: its handle, public area and Name. */
    public record Loaded(int handle, TpmtPublic publicArea, byte[] name) {}

    /** What TPM2_Quote returned: the raw TPMS_ATTEST (from TPM2B_ATTEST) and the raw TPMT_SIGNATURE. */
    public record QuoteResult(byte[] attest, byte[] signature) {}

    /** TPM_RC_RETRY, TPM_RC_YIELDED, TPM_RC_TESTING: the command may simply be sent again. */
    private static final int RC_RETRY = 0x922;

    private static final int RC_YIELDED = 0x908;
    private static final int RC_TESTING = 0x90a;
    private static final int MAX_RETRIES = 5;
    private static final int MAX_PCR_READ_ROUNDS = 16;

    private final TpmTransport transport;

    public Tpm(TpmTransport transport) {
        this.transport = transport;
    }

    public static Tpm open(TpmAddress address) throws TpmException {
        return new Tpm(address.open());
    }

    /** TPM2_CreatePrimary (Part 3 §24.1) in {@code hierarchy} with {@code template} (a TPMT_PUBLIC). */
    public Loaded createPrimary(int hierarchy, byte[] template) throws TpmException {
        TpmWriter params = new TpmWriter();
        params.u16(4).u16(0).u16(0); // TPM2B_SENSITIVE_CREATE: empty userAuth, empty data
        params.tpm2b(template);
        params.u16(0); // outsideInfo
        params.u32(0); // creationPCR: none
        TpmReader r = call(
                "TPM2_CreatePrimary", Tpm2.TPM_CC_CREATE_PRIMARY, new int[] {hierarchy}, true, params.toByteArray());
        try {
            int handle = r.u32("objectHandle");
            r.u32("parameterSize");
            int pubSize = r.u16("outPublic.size");
            TpmtPublic pub = TpmtPublic.unmarshal(r.bytes(pubSize, "outPublic"));
            r.tpm2b(Tpm2.MAX_RESPONSE_BYTES, "creationData");
            r.tpm2b(Tpm2.MAX_DIGEST_BYTES, "creationHash");
            r.u16("creationTicket.tag");
            r.u32("creationTicket.hierarchy");
            r.tpm2b(Tpm2.MAX_DIGEST_BYTES, "creationTicket.digest");
            byte[] name = r.tpm2b(Tpm2.MAX_NAME_BYTES, "name");
            return new Loaded(handle, pub, name);
        } catch (TpmFormatException e) {
            throw new TpmException("TPM2_CreatePrimary: malformed response: " + e.getMessage(), e);
        }
    }

    /** TPM2_ReadPublic (Part 3 §12.4) of a loaded or persistent object. */
    public Loaded readPublic(int handle) throws TpmException {
        TpmReader r = call("TPM2_ReadPublic", Tpm2.TPM_CC_READ_PUBLIC, new int[] {handle}, false, new byte[0]);
        try {
            int pubSize = r.u16("outPublic.size");
            TpmtPublic pub = TpmtPublic.unmarshal(r.bytes(pubSize, "outPublic"));
            byte[] name = r.tpm2b(Tpm2.MAX_NAME_BYTES, "name");
            r.tpm2b(Tpm2.MAX_NAME_BYTES, "qualifiedName");
            return new Loaded(handle, pub, name);
        } catch (TpmFormatException e) {
            throw new TpmException("TPM2_ReadPublic: malformed response: " + e.getMessage(), e);
        }
    }

    /** TPM2_Quote (Part 3 §18.4) with the key's own scheme (inScheme TPM_ALG_NULL). */
    public QuoteResult quote(int signHandle, byte[] nonce, PcrSelection selection) throws TpmException {
        TpmWriter params = new TpmWriter();
        params.tpm2b(nonce);
        params.u16(Tpm2.TPM_ALG_NULL);
        selection.marshal(params);
        TpmReader r = call("TPM2_Quote", Tpm2.TPM_CC_QUOTE, new int[] {signHandle}, true, params.toByteArray());
        try {
            r.u32("parameterSize");
            byte[] attest = r.tpm2b(TpmsAttest.MAX_BYTES, "quoted");
            int start = r.position();
            int alg = r.u16("signature.sigAlg");
            r.u16("signature.hash");
            if (alg == Tpm2.TPM_ALG_ECDSA) {
                r.tpm2b(Tpm2.MAX_ECC_KEY_BYTES, "signatureR");
                r.tpm2b(Tpm2.MAX_ECC_KEY_BYTES, "signatureS");
            } else if (alg == Tpm2.TPM_ALG_RSASSA || alg == Tpm2.TPM_ALG_RSAPSS) {
                r.tpm2b(Tpm2.MAX_RSA_KEY_BYTES, "sig");
            } else {
                throw new TpmException(
                        "TPM2_Quote: signature scheme " + TpmtSignature.schemeName(alg) + " not supported");
            }
            return new QuoteResult(attest, r.slice(start, r.position()));
        } catch (TpmFormatException e) {
            throw new TpmException("TPM2_Quote: malformed response: " + e.getMessage(), e);
        }
    }

    /**
     * TPM2_PCR_Read (Part 3 §22.4) of a whole selection, concatenated in selection order. The TPM
     * returns at most 8 digests per call, so this reads in rounds and restarts when the PCR update
     * counter moves between rounds (a PCR was extended meanwhile).
     *
     * @throws TpmException when a selected bank is not active on the TPM
     */
    public byte[] pcrRead(PcrSelection selection) throws TpmException {
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            Map<HashAlg, Map<Integer, byte[]>> got = new EnumMap<>(HashAlg.class);
            Integer counter = null;
            boolean moved = false;
            for (int round = 0; round < MAX_PCR_READ_ROUNDS; round++) {
                PcrSelection missing = missing(selection, got);
                if (missing == null) {
                    break;
                }
                TpmWriter params = new TpmWriter();
                missing.marshal(params);
                TpmReader r = call("TPM2_PCR_Read", Tpm2.TPM_CC_PCR_READ, new int[0], false, params.toByteArray());
                try {
                    int c = r.u32("pcrUpdateCounter");
                    if (counter != null && counter != c) {
                        moved = true;
                        break;
                    }
                    counter = c;
                    PcrSelection out = PcrSelection.unmarshal(r);
                    int n = r.u32("pcrValues.count");
                    if (out.isEmpty() || n != out.count()) {
                        throw new TpmException("TPM2_PCR_Read: the TPM returned no values for " + missing
                                + " (is the bank active? tpm2_getcap pcrs)");
                    }
                    for (PcrSelection.Bank b : out.banks()) {
                        for (int i : b.indices()) {
                            byte[] v = r.tpm2b(Tpm2.MAX_DIGEST_BYTES, "pcrValues.digest");
                            if (v.length != b.hash().digestBytes()) {
                                throw new TpmException(
                                        "TPM2_PCR_Read: " + b.hash().toolName() + " value of " + v.length + " bytes");
                            }
                            got.computeIfAbsent(b.hash(), h -> new TreeMap<>()).put(i, v);
                        }
                    }
                } catch (TpmFormatException e) {
                    throw new TpmException("TPM2_PCR_Read: malformed response: " + e.getMessage(), e);
                }
            }
            if (moved) {
                continue;
            }
            if (missing(selection, got) != null) {
                throw new TpmException("TPM2_PCR_Read: could not read " + missing(selection, got));
            }
            TpmWriter values = new TpmWriter();
            for (PcrSelection.Bank b : selection.banks()) {
                for (int i : b.indices()) {
                    values.bytes(got.get(b.hash()).get(i));
                }
            }
            return values.toByteArray();
        }
        throw new TpmException("TPM2_PCR_Read: PCRs kept changing while being read");
    }

    private static PcrSelection missing(PcrSelection want, Map<HashAlg, Map<Integer, byte[]>> got) {
        List<PcrSelection.Bank> banks = new ArrayList<>();
        for (PcrSelection.Bank b : want.banks()) {
            int mask = b.mask();
            Map<Integer, byte[]> have = got.get(b.hash());
            if (have != null) {
                for (int i : have.keySet()) {
                    mask &= ~(1 << i);
                }
            }
            if (mask != 0) {
                banks.add(new PcrSelection.Bank(b.hash(), mask));
            }
        }
        return banks.isEmpty() ? null : PcrSelection.of(banks);
    }

    /** TPM2_FlushContext (Part 3 §28.4) of a transient object or session. */
    public void flush(int handle) throws TpmException {
        TpmWriter params = new TpmWriter().u32(handle);
        call("TPM2_FlushContext", Tpm2.TPM_CC_FLUSH_CONTEXT, new int[0], false, params.toByteArray());
    }

    /** True for a transient object handle (0x80xxxxxx), the kind that must be flushed. */
    public static boolean isTransient(int handle) {
        return (handle >>> 24) == Tpm2.TPM_HT_TRANSIENT;
    }

    /**
     * Sends a command and returns a reader positioned after the response header, checked for
     * success; with {@code auth}, one empty-password session authorizes the first handle.
     */
    private TpmReader call(String name, int cc, int[] handles, boolean auth, byte[] params) throws TpmException {
        return call(name, cc, handles, auth ? new int[] {Tpm2.TPM_RS_PW} : new int[0], params);
    }

    /**
     * Sends a command with one authorization per entry of {@code sessions}, in handle order: each
     * is {@link Tpm2#TPM_RS_PW} (empty password) or a policy session handle, sent with an empty
     * nonce and HMAC and continueSession set (the caller flushes its policy sessions). Returns a
     * reader positioned after the response header, checked for success; with sessions, the next
     * field is the response's parameterSize.
     */
    TpmReader call(String name, int cc, int[] handles, int[] sessions, byte[] params) throws TpmException {
        TpmWriter body = new TpmWriter();
        for (int h : handles) {
            body.u32(h);
        }
        if (sessions.length > 0) {
            TpmWriter area = new TpmWriter();
            for (int s : sessions) {
                area.u32(s)
                        .u16(0)
                        .u8(s == Tpm2.TPM_RS_PW ? 0 : Tpm2.TPMA_SESSION_CONTINUE_SESSION)
                        .u16(0);
            }
            body.u32(area.size()).bytes(area.toByteArray());
        }
        body.bytes(params);
        byte[] b = body.toByteArray();
        byte[] cmd = new TpmWriter()
                .u16(sessions.length > 0 ? Tpm2.TPM_ST_SESSIONS : Tpm2.TPM_ST_NO_SESSIONS)
                .u32(Tpm2.HEADER_BYTES + b.length)
                .u32(cc)
                .bytes(b)
                .toByteArray();
        for (int attempt = 0; ; attempt++) {
            byte[] resp = transport.transact(cmd);
            TpmReader r = TpmReader.of(resp, name + " response");
            try {
                r.u16("tag");
                int size = r.u32("responseSize");
                int rc = r.u32("responseCode");
                if (size != resp.length) {
                    throw new TpmException(name + ": response says " + size + " bytes, got " + resp.length);
                }
                if (rc == 0) {
                    return r;
                }
                if ((rc == RC_RETRY || rc == RC_YIELDED || rc == RC_TESTING) && attempt < MAX_RETRIES) {
                    continue;
                }
                throw new TpmException(name, rc);
            } catch (TpmFormatException e) {
                throw new TpmException(name + ": malformed response header: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
