package dev.psk.attest.tpm;

import dev.psk.attest.TpmFormatException;
import java.math.BigInteger;

/**
 * A TPMT_SIGNATURE (TPM 2.0 Part 2 §11.3.4) of the schemes a quote verifier accepts: ECDSA
 * (TPMS_SIGNATURE_ECDSA: hash, TPM2B r, TPM2B s) and RSASSA-PKCS1-v1_5 / RSA-PSS
 * (TPMS_SIGNATURE_RSA: hash, TPM2B sig). Other schemes (ECDAA, SM2, ECSCHNORR, HMAC) parse to an
 * error naming the scheme: they cannot authenticate a quote to a verifier holding a public key.
 */
public sealed interface TpmtSignature {
    /** The hash algorithm the signer used over the TPMS_ATTEST. */
    HashAlg hash();

    /** The TPM_ALG_ID of the scheme: TPM_ALG_ECDSA, TPM_ALG_RSASSA or TPM_ALG_RSAPSS. */
    int scheme();

    /** TPM_ALG_ECDSA: r and s as unsigned big-endian integers. */
    record Ecdsa(HashAlg hash, BigInteger r, BigInteger s) implements TpmtSignature {
        @Override
        public int scheme() {
            return Tpm2.TPM_ALG_ECDSA;
        }
    }

    /** TPM_ALG_RSASSA or TPM_ALG_RSAPSS: the signature, as long as the modulus. */
    record Rsa(int scheme, HashAlg hash, byte[] sig) implements TpmtSignature {}

    /** Parses a whole TPMT_SIGNATURE ({@code tpm2_quote -s}, default tss format). */
    static TpmtSignature unmarshal(byte[] bytes) throws TpmFormatException {
        TpmReader in = TpmReader.of(bytes, "TPMT_SIGNATURE");
        int alg = in.u16("sigAlg");
        TpmtSignature sig;
        switch (alg) {
            case Tpm2.TPM_ALG_ECDSA -> {
                HashAlg h = hash(in);
                byte[] r = in.tpm2b(Tpm2.MAX_ECC_KEY_BYTES, "signatureR");
                byte[] s = in.tpm2b(Tpm2.MAX_ECC_KEY_BYTES, "signatureS");
                sig = new Ecdsa(h, new BigInteger(1, r), new BigInteger(1, s));
            }
            case Tpm2.TPM_ALG_RSASSA, Tpm2.TPM_ALG_RSAPSS -> {
                HashAlg h = hash(in);
                byte[] s = in.tpm2b(Tpm2.MAX_RSA_KEY_BYTES, "sig");
                sig = new Rsa(alg, h, s);
            }
            default -> throw in.error("sigAlg", "is " + schemeName(alg) + "; expected ECDSA, RSASSA or RSAPSS");
        }
        in.end();
        return sig;
    }

    private static HashAlg hash(TpmReader in) throws TpmFormatException {
        int id = in.u16("hash");
        return HashAlg.fromId(id)
                .orElseThrow(() -> in.error("hash", "is unknown algorithm 0x" + Integer.toHexString(id)));
    }

    /**
     * Writes the TPMT_SIGNATURE. ECDSA r and s are written at the curve's coordinate size {@code
     * coordBytes} (what a TPM emits); tpm2-tools and this parser also accept shorter ones.
     */
    static byte[] marshal(TpmtSignature sig, int coordBytes) {
        TpmWriter out = new TpmWriter().u16(sig.scheme()).u16(sig.hash().id());
        switch (sig) {
            case Ecdsa e -> out.tpm2b(fixed(e.r(), coordBytes)).tpm2b(fixed(e.s(), coordBytes));
            case Rsa r -> out.tpm2b(r.sig());
        }
        return out.toByteArray();
    }

    /** An unsigned integer as exactly {@code len} big-endian bytes (left-padded; must fit). */
    static byte[] fixed(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        if (b.length == len) {
            return b;
        }
        byte[] out = new byte[len];
        if (b.length > len) {
            int extra = b.length - len;
            for (int i = 0; i < extra; i++) {
                if (b[i] != 0) {
                    throw new IllegalArgumentException("integer does not fit in " + len + " bytes");
                }
            }
            System.arraycopy(b, extra, out, 0, len);
        } else {
            System.arraycopy(b, 0, out, len - b.length, b.length);
        }
        return out;
    }

    static String schemeName(int alg) {
        return switch (alg) {
            case Tpm2.TPM_ALG_ECDSA -> "ECDSA";
            case Tpm2.TPM_ALG_RSASSA -> "RSASSA";
            case Tpm2.TPM_ALG_RSAPSS -> "RSAPSS";
            case Tpm2.TPM_ALG_ECDAA -> "ECDAA";
            case Tpm2.TPM_ALG_SM2 -> "SM2";
            case Tpm2.TPM_ALG_ECSCHNORR -> "ECSCHNORR";
            case Tpm2.TPM_ALG_HMAC -> "HMAC";
            case Tpm2.TPM_ALG_NULL -> "NULL";
            default -> String.format("unknown scheme 0x%04x", alg);
        };
    }
}
