package dev.psk.attest.verify;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.DerEcdsa;
import dev.psk.attest.tpm.EcCurves;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmtSignature;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * Decodes a quote signature in any accepted encoding and verifies it with a pinned public key.
 * Thread-safe (stateless). The scheme is fixed by the pinned key, never by the signature: an ECDSA
 * signature against an RSA key, a SHA-1 signature when SHA-256 is expected, or an RSA signature
 * against an EC key is refused before any arithmetic (no downgrade).
 */
public final class QuoteSignatures {
    private QuoteSignatures() {}

    /** A decoded signature and the encoding it came in. */
    public record Decoded(TpmtSignature signature, SignatureFormat format) {}

    /**
     * Decodes {@code bytes}: a whole TPMT_SIGNATURE first; else, for an EC key, strict DER ECDSA;
     * else, for an RSA key, a raw signature exactly as long as the modulus (read as RSASSA unless
     * {@code plainRsaScheme} says RSAPSS). Plain encodings carry no hash: {@code expectedHash} is
     * assumed and checked by the signature itself.
     */
    public static Decoded decode(byte[] bytes, PublicKey key, HashAlg expectedHash, int plainRsaScheme)
            throws TpmFormatException {
        TpmFormatException tpmtError;
        try {
            return new Decoded(TpmtSignature.unmarshal(bytes), SignatureFormat.TPMT);
        } catch (TpmFormatException e) {
            tpmtError = e;
        }
        if (key instanceof ECPublicKey && bytes.length > 0 && (bytes[0] & 0xff) == 0x30) {
            BigInteger[] rs = DerEcdsa.decode(bytes);
            return new Decoded(new TpmtSignature.Ecdsa(expectedHash, rs[0], rs[1]), SignatureFormat.PLAIN_DER);
        }
        if (key instanceof RSAPublicKey rsa && bytes.length == modulusBytes(rsa)) {
            return new Decoded(
                    new TpmtSignature.Rsa(plainRsaScheme, expectedHash, bytes.clone()), SignatureFormat.PLAIN_RSA);
        }
        throw new TpmFormatException("signature: neither a TPMT_SIGNATURE (" + tpmtError.getMessage() + ") nor a plain "
                + (key instanceof ECPublicKey ? "DER ECDSA" : "RSA") + " signature for the pinned key");
    }

    static int modulusBytes(RSAPublicKey k) {
        return (k.getModulus().bitLength() + 7) / 8;
    }

    /**
     * Why {@code sig} may not be checked with {@code key} and {@code expectedHash}, or {@code null}
     * when the scheme is acceptable: ECDSA only with an EC key, RSASSA/RSAPSS only with an RSA key,
     * and the hash must be the expected one.
     */
    public static String schemeMismatch(TpmtSignature sig, PublicKey key, HashAlg expectedHash) {
        boolean ec = key instanceof ECPublicKey;
        boolean rsa = key instanceof RSAPublicKey;
        String keyKind = ec ? "an EC" : rsa ? "an RSA" : "a " + key.getAlgorithm();
        switch (sig) {
            case TpmtSignature.Ecdsa e
            when !ec -> {
                return "ECDSA signature but the pinned AK is " + keyKind + " key";
            }
            case TpmtSignature.Rsa r
            when !rsa -> {
                return "RSA signature but the pinned AK is " + keyKind + " key";
            }
            default -> {}
        }
        if (sig.hash() != expectedHash) {
            return "signature hash is " + sig.hash().toolName() + ", expected " + expectedHash.toolName();
        }
        if (ec && EcCurves.of((ECPublicKey) key).isEmpty()) {
            return "pinned EC key is not on P-256, P-384 or P-521";
        }
        return null;
    }

    /** True when {@code sig} is a valid signature of {@code message} under {@code key}; false on any mismatch. */
    public static boolean verify(TpmtSignature sig, byte[] message, PublicKey key) {
        return verify(sig, message, key, true);
    }

    /** As {@link #verify(TpmtSignature, byte[], PublicKey)}; {@code allowNative=false} forces the JCA path. */
    static boolean verify(TpmtSignature sig, byte[] message, PublicKey key, boolean allowNative) {
        try {
            return switch (sig) {
                case TpmtSignature.Ecdsa e ->
                    allowNative
                            ? verifyEcdsa(e, message, (ECPublicKey) key)
                            : verifyEcdsaRangeJca(e, message, (ECPublicKey) key);
                case TpmtSignature.Rsa r -> verifyRsa(r, message, (RSAPublicKey) key);
            };
        } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean verifyEcdsaRangeJca(TpmtSignature.Ecdsa e, byte[] message, ECPublicKey key)
            throws GeneralSecurityException {
        EcCurves.Curve curve = EcCurves.of(key).orElseThrow(() -> new GeneralSecurityException("curve"));
        return inRange(e, curve) && verifyEcdsaJca(e, message, key, curve);
    }

    /** 0 &lt; r, s &lt; n (SEC 1 v2 §4.1.4 step 1). */
    private static boolean inRange(TpmtSignature.Ecdsa e, EcCurves.Curve curve) {
        BigInteger n = curve.order();
        return e.r().signum() > 0 && e.s().signum() > 0 && e.r().compareTo(n) < 0 && e.s().compareTo(n) < 0;
    }

    private static boolean verifyEcdsa(TpmtSignature.Ecdsa e, byte[] message, ECPublicKey key)
            throws GeneralSecurityException {
        EcCurves.Curve curve = EcCurves.of(key).orElseThrow(() -> new GeneralSecurityException("curve"));
        if (!inRange(e, curve)) {
            return false;
        }
        if (NativeEcdsa.available()) {
            return NativeEcdsa.verify(e, message, key);
        }
        return verifyEcdsaJca(e, message, key, curve);
    }

    /** True when OpenSSL's libcrypto carries ECDSA verification (else the JDK's SunEC does). */
    public static boolean nativeEcdsa() {
        return NativeEcdsa.available();
    }

    /** ECDSA through the JDK only (after the caller's range checks); the fallback and a test oracle. */
    static boolean verifyEcdsaJca(TpmtSignature.Ecdsa e, byte[] message, ECPublicKey key, EcCurves.Curve curve)
            throws GeneralSecurityException {
        int len = curve.coordBytes();
        byte[] p1363 = new byte[2 * len];
        System.arraycopy(TpmtSignature.fixed(e.r(), len), 0, p1363, 0, len);
        System.arraycopy(TpmtSignature.fixed(e.s(), len), 0, p1363, len, len);
        Signature s = Signature.getInstance(jcaHashName(e.hash()) + "withECDSAinP1363Format");
        s.initVerify(key);
        s.update(message);
        return s.verify(p1363);
    }

    private static boolean verifyRsa(TpmtSignature.Rsa r, byte[] message, RSAPublicKey key)
            throws GeneralSecurityException {
        if (r.sig().length != modulusBytes(key)) {
            return false;
        }
        Signature s;
        if (r.scheme() == Tpm2.TPM_ALG_RSASSA) {
            s = Signature.getInstance(jcaHashName(r.hash()) + "withRSA");
        } else {
            // TPM 2.0 Part 1 §B.7: the TPM uses a salt as long as the digest.
            s = Signature.getInstance("RSASSA-PSS");
            MGF1ParameterSpec mgf = new MGF1ParameterSpec(r.hash().jcaName());
            s.setParameter(new PSSParameterSpec(
                    r.hash().jcaName(), "MGF1", mgf, r.hash().digestBytes(), 1));
        }
        s.initVerify(key);
        s.update(message);
        return s.verify(r.sig());
    }

    private static String jcaHashName(HashAlg h) {
        return h.jcaName().replace("-", "");
    }
}
