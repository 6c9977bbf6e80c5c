package dev.psk.attest.credential;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.EcCurves;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmWriter;
import dev.psk.attest.tpm.TpmtPublic;
import dev.psk.common.Secrets;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * TPM2_MakeCredential done in software (TPM 2.0 Part 1 §24 "Credential Protection", Part 3
 * §12.6): the verifier needs no TPM. A fresh seed is protected for the EK — RSA-OAEP with the EK's
 * nameAlg and the label "IDENTITY", or for an ECC EK an ephemeral ECDH key and KDFe with that
 * label — then:
 *
 * <pre>
 * symKey      = KDFa(nameAlg, seed, "STORAGE", objectName, "", EK symmetric key bits)
 * encIdentity = AES-CFB(symKey, IV = 0, TPM2B_DIGEST(credential))
 * hmacKey     = KDFa(nameAlg, seed, "INTEGRITY", "", "", nameAlg digest bits)
 * idObject    = TPM2B_DIGEST(HMAC_nameAlg(hmacKey, encIdentity || objectName)) || encIdentity
 * </pre>
 *
 * Only the TPM holding the EK's private key recovers the seed, and it releases the credential only
 * to a command that has an object with exactly {@code objectName} loaded (the HMAC covers it).
 */
public final class CredentialMaker {
    private static final String LABEL_IDENTITY = "IDENTITY";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CredentialMaker() {}

    /**
     * Protects {@code credential} (1 to nameAlg-digest bytes) for the TPM whose endorsement key is
     * {@code ek}, to be released for the object named {@code objectName}.
     *
     * @throws TpmFormatException when {@code ek} is not a restricted RSA or ECC decryption key with
     *     an AES-CFB symmetric definition, or its key is unusable
     */
    public static Credential make(TpmtPublic ek, byte[] objectName, byte[] credential) throws TpmFormatException {
        return make(ek, objectName, credential, RANDOM);
    }

    static Credential make(TpmtPublic ek, byte[] objectName, byte[] credential, SecureRandom random)
            throws TpmFormatException {
        requireProtector(ek);
        HashAlg h = ek.nameAlg();
        if (credential.length == 0 || credential.length > h.digestBytes()) {
            throw new IllegalArgumentException("credential must be 1 to " + h.digestBytes() + " bytes, not "
                    + credential.length + " (the EK's nameAlg is " + h.toolName() + ")");
        }
        byte[] seed = null;
        byte[] symKey = null;
        byte[] hmacKey = null;
        byte[] plain = null;
        try {
            byte[] encryptedSecret;
            if (ek.type() == Tpm2.TPM_ALG_RSA) {
                seed = new byte[h.digestBytes()];
                random.nextBytes(seed);
                encryptedSecret = oaep(ek.toPublicKey(), h, seed, random);
            } else {
                TpmWriter point = new TpmWriter();
                seed = ecdhSeed(ek, h, random, point);
                encryptedSecret = point.toByteArray();
            }
            symKey = Kdf.kdfa(h, seed, "STORAGE", objectName, new byte[0], ek.symKeyBits());
            plain = new TpmWriter().tpm2b(credential).toByteArray();
            Cipher aes = Cipher.getInstance("AES/CFB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(symKey, "AES"), new IvParameterSpec(new byte[16]));
            byte[] encIdentity = aes.doFinal(plain);
            hmacKey = Kdf.kdfa(h, seed, "INTEGRITY", new byte[0], new byte[0], h.digestBytes() * 8);
            Mac mac = Mac.getInstance(Kdf.hmacName(h));
            mac.init(new SecretKeySpec(hmacKey, mac.getAlgorithm()));
            mac.update(encIdentity);
            byte[] integrity = mac.doFinal(objectName);
            byte[] idObject =
                    new TpmWriter().tpm2b(integrity).bytes(encIdentity).toByteArray();
            return new Credential(idObject, encryptedSecret);
        } catch (GeneralSecurityException e) {
            throw new TpmFormatException("EK: cannot protect a credential with this key (" + e.getMessage() + ")");
        } finally {
            Secrets.wipe(orEmpty(seed), orEmpty(symKey), orEmpty(hmacKey), orEmpty(plain));
        }
    }

    /** The properties of a key that TPM2_ActivateCredential can use as the protector (Part 3 §12.5.1). */
    public static void requireProtector(TpmtPublic ek) throws TpmFormatException {
        int need = Tpm2.TPMA_OBJECT_RESTRICTED | Tpm2.TPMA_OBJECT_DECRYPT;
        if ((ek.attributes() & need) != need || (ek.attributes() & Tpm2.TPMA_OBJECT_SIGN) != 0) {
            throw new TpmFormatException(String.format(
                    "EK: objectAttributes 0x%08x are not those of a restricted decryption key", ek.attributes()));
        }
        if (ek.symmetric() != Tpm2.TPM_ALG_AES || ek.symMode() != Tpm2.TPM_ALG_CFB) {
            throw new TpmFormatException(String.format(
                    "EK: symmetric algorithm 0x%04x mode 0x%04x, expected AES (0x0006) in CFB (0x0043)",
                    ek.symmetric(), ek.symMode()));
        }
        if (ek.symKeyBits() != 128 && ek.symKeyBits() != 192 && ek.symKeyBits() != 256) {
            throw new TpmFormatException("EK: AES key size " + ek.symKeyBits() + " bits");
        }
        if (ek.type() != Tpm2.TPM_ALG_RSA && ek.type() != Tpm2.TPM_ALG_ECC) {
            throw new TpmFormatException("EK: neither RSA nor ECC");
        }
    }

    private static byte[] oaep(PublicKey key, HashAlg h, byte[] seed, SecureRandom random)
            throws GeneralSecurityException {
        byte[] label = Arrays.copyOf(LABEL_IDENTITY.getBytes(StandardCharsets.US_ASCII), LABEL_IDENTITY.length() + 1);
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
        rsa.init(
                Cipher.ENCRYPT_MODE,
                key,
                new OAEPParameterSpec(
                        h.jcaName(), "MGF1", new MGF1ParameterSpec(h.jcaName()), new PSource.PSpecified(label)),
                random);
        return rsa.doFinal(seed);
    }

    /**
     * An ephemeral key pair on the EK's curve; writes its public point (TPMS_ECC_POINT, coordinates
     * padded to the curve size) to {@code point} and returns KDFe(nameAlg, Z.x, "IDENTITY",
     * ephemeral.x, ek.x, digest bits), as the TPM's CryptSecretEncrypt does.
     */
    private static byte[] ecdhSeed(TpmtPublic ek, HashAlg h, SecureRandom random, TpmWriter point)
            throws GeneralSecurityException, TpmFormatException {
        EcCurves.Curve curve = EcCurves.byTpmId(ek.curveOrBits())
                .orElseThrow(() -> new TpmFormatException(
                        String.format("EK: curve 0x%04x not supported (P-256, P-384, P-521)", ek.curveOrBits())));
        PublicKey ekKey = ek.toPublicKey();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(curve.params(), random);
        KeyPair eph = g.generateKeyPair();
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(eph.getPrivate());
        ka.doPhase(ekKey, true);
        byte[] z = ka.generateSecret();
        try {
            ECPublicKey ephPub = (ECPublicKey) eph.getPublic();
            byte[] x = fixed(ephPub.getW().getAffineX(), curve.coordBytes());
            byte[] y = fixed(ephPub.getW().getAffineY(), curve.coordBytes());
            point.tpm2b(x).tpm2b(y);
            return Kdf.kdfe(h, z, LABEL_IDENTITY, x, ek.uniqueX(), h.digestBytes() * 8);
        } finally {
            Secrets.wipe(z);
        }
    }

    private static byte[] fixed(BigInteger v, int bytes) {
        byte[] b = v.toByteArray();
        if (b.length == bytes) {
            return b;
        }
        byte[] out = new byte[bytes];
        int n = Math.min(b.length, bytes);
        System.arraycopy(b, b.length - n, out, bytes - n, n);
        return out;
    }

    private static byte[] orEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }
}
