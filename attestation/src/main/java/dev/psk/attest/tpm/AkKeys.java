package dev.psk.attest.tpm;

import dev.psk.attest.TpmFormatException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reads a pinned attestation key in the forms tpm2-tools and this toolkit write: PEM or DER
 * SubjectPublicKeyInfo ({@code tpm2_createak -f pem}, {@code psk-attest quote}'s ak.pub.pem,
 * {@code -f der}), a TPM2B_PUBLIC ({@code -f tss}, {@code tpm2_readpublic -o}, {@code psk-attest quote}'s
 * ak.tpm2b), a bare TPMT_PUBLIC, or the pinned-AK record {@code psk-attest enroll-finish} writes
 * (JSON, type "pinned-ak"). A TPM public area is checked to be an attestation key
 * ({@link #requireAttestationKey}); a SubjectPublicKeyInfo cannot be.
 */
public final class AkKeys {
    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";
    /** RSA keys below this size are refused as AKs. */
    public static final int MIN_RSA_BITS = 2048;

    private AkKeys() {}

    public static PublicKey parse(byte[] bytes) throws TpmFormatException {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        PublicKey key;
        if (text.contains("-----BEGIN")) {
            int b = text.indexOf(PEM_BEGIN);
            // END is searched after the whole BEGIN marker: the two overlap in "-----", so a search
            // from b could find an END inside BEGIN and give a negative body length.
            int e = b < 0 ? -1 : text.indexOf(PEM_END, b + PEM_BEGIN.length());
            if (e < 0) {
                throw new TpmFormatException("AK: PEM without a \"" + PEM_BEGIN + "\" block");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder()
                        .decode(text.substring(b + PEM_BEGIN.length(), e).strip());
            } catch (IllegalArgumentException ex) {
                throw new TpmFormatException("AK: PEM body is not base64 (" + ex.getMessage() + ")");
            }
            key = spki(der);
        } else if (bytes.length > 0 && (bytes[0] & 0xff) == 0x30) {
            key = spki(bytes);
        } else {
            TpmtPublic pub = tpmPublic(bytes);
            requireAttestationKey(pub);
            key = pub.toPublicKey();
        }
        if (key instanceof RSAPublicKey r && r.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new TpmFormatException(
                    "AK: RSA key of " + r.getModulus().bitLength() + " bits, at least " + MIN_RSA_BITS + " required");
        }
        return key;
    }

    /**
     * Requires the attributes of a key whose signatures over TPMS_ATTEST mean something: restricted
     * and sign (the TPM refuses to sign data that begins with TPM_GENERATED_VALUE with it, so only
     * the TPM's own attestations carry the magic, TPM 2.0 Part 1 §25.2), not decrypt, and fixedTPM
     * (it cannot have been imported from elsewhere). A PEM key carries no attributes: whoever pins
     * one must have established this at enrolment.
     */
    public static void requireAttestationKey(TpmtPublic pub) throws TpmFormatException {
        int a = pub.attributes();
        int need = Tpm2.TPMA_OBJECT_RESTRICTED | Tpm2.TPMA_OBJECT_SIGN | Tpm2.TPMA_OBJECT_FIXED_TPM;
        if ((a & need) != need || (a & Tpm2.TPMA_OBJECT_DECRYPT) != 0) {
            throw new TpmFormatException(String.format(
                    "AK: objectAttributes 0x%08x are not those of an attestation key "
                            + "(restricted, sign and fixedTPM set, decrypt clear)",
                    a));
        }
    }

    /** A TPM2B_PUBLIC, or failing that a bare TPMT_PUBLIC. */
    public static TpmtPublic tpmPublic(byte[] bytes) throws TpmFormatException {
        try {
            TpmReader in = TpmReader.of(bytes, "TPM2B_PUBLIC");
            int size = in.u16("size");
            byte[] body = in.bytes(size, "publicArea");
            in.end();
            return TpmtPublic.unmarshal(body);
        } catch (TpmFormatException first) {
            try {
                return TpmtPublic.unmarshal(bytes);
            } catch (TpmFormatException second) {
                throw new TpmFormatException("AK: not PEM, DER SubjectPublicKeyInfo, TPM2B_PUBLIC or TPMT_PUBLIC ("
                        + first.getMessage() + ")");
            }
        }
    }

    private static PublicKey spki(byte[] der) throws TpmFormatException {
        for (String alg : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next algorithm
            }
        }
        throw new TpmFormatException("AK: SubjectPublicKeyInfo is neither an EC nor an RSA public key");
    }

    /** PEM SubjectPublicKeyInfo text for a key (64-column base64), as tpm2-tools writes it. */
    public static String toPem(PublicKey key) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        return PEM_BEGIN + "\n" + b64 + "\n" + PEM_END + "\n";
    }
}
