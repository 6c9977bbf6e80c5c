package dev.psk.attest.tpm;

import dev.psk.attest.TpmFormatException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;

/**
 * A TPMT_PUBLIC (TPM 2.0 Part 2 §12.2.4) of an RSA or ECC key: enough to build attestation-key
 * templates, turn a TPM's public area into a Java key, and compute the object's Name (nameAlg ||
 * H_nameAlg(TPMT_PUBLIC), Part 1 §16). Keyed-hash and symmetric objects are outside its scope.
 *
 * @param symmetric TPM_ALG_NULL, or the symmetric algorithm of a storage/EK key (TPM_ALG_AES)
 * @param symKeyBits the symmetric key size in bits, 0 when {@code symmetric} is TPM_ALG_NULL
 * @param symMode the symmetric mode (TPM_ALG_CFB for parents and EKs), 0 when NULL
 * @param scheme the signing scheme (TPM_ALG_ECDSA, TPM_ALG_RSASSA, TPM_ALG_RSAPSS) or TPM_ALG_NULL
 * @param schemeHash the scheme's hash, {@code null} for TPM_ALG_NULL
 * @param curveOrBits TPM_ECC_CURVE for ECC, key bits for RSA
 * @param exponent RSA public exponent (0 means 65537), 0 for ECC
 * @param uniqueX RSA modulus, or ECC x (empty in a template)
 * @param uniqueY ECC y (empty in a template and for RSA)
 */
public record TpmtPublic(
        int type,
        HashAlg nameAlg,
        int attributes,
        byte[] authPolicy,
        int symmetric,
        int symKeyBits,
        int symMode,
        int scheme,
        HashAlg schemeHash,
        int curveOrBits,
        long exponent,
        byte[] uniqueX,
        byte[] uniqueY,
        byte[] raw) {

    /** Attributes of an attestation key: fixedTPM, fixedParent, sensitiveDataOrigin, userWithAuth, restricted, sign. */
    public static final int AK_ATTRIBUTES = Tpm2.TPMA_OBJECT_FIXED_TPM
            | Tpm2.TPMA_OBJECT_FIXED_PARENT
            | Tpm2.TPMA_OBJECT_SENSITIVE_DATA_ORIGIN
            | Tpm2.TPMA_OBJECT_USER_WITH_AUTH
            | Tpm2.TPMA_OBJECT_RESTRICTED
            | Tpm2.TPMA_OBJECT_SIGN;

    /** Template of an ECC P-256 restricted signing key with ECDSA-SHA256 (unique left empty). */
    public static byte[] eccAkTemplate() {
        TpmWriter w = new TpmWriter();
        w.u16(Tpm2.TPM_ALG_ECC).u16(HashAlg.SHA256.id()).u32(AK_ATTRIBUTES).tpm2b(new byte[0]);
        w.u16(Tpm2.TPM_ALG_NULL); // symmetric
        w.u16(Tpm2.TPM_ALG_ECDSA).u16(HashAlg.SHA256.id());
        w.u16(Tpm2.TPM_ECC_NIST_P256);
        w.u16(Tpm2.TPM_ALG_NULL); // kdf
        w.tpm2b(new byte[0]).tpm2b(new byte[0]);
        return w.toByteArray();
    }

    /** Template of an RSA 2048 restricted signing key with RSASSA-SHA256 (unique left empty). */
    public static byte[] rsaAkTemplate() {
        TpmWriter w = new TpmWriter();
        w.u16(Tpm2.TPM_ALG_RSA).u16(HashAlg.SHA256.id()).u32(AK_ATTRIBUTES).tpm2b(new byte[0]);
        w.u16(Tpm2.TPM_ALG_NULL);
        w.u16(Tpm2.TPM_ALG_RSASSA).u16(HashAlg.SHA256.id());
        w.u16(2048).u32(0);
        w.tpm2b(new byte[0]);
        return w.toByteArray();
    }

    public static TpmtPublic unmarshal(byte[] bytes) throws TpmFormatException {
        TpmReader in = TpmReader.of(bytes, "TPMT_PUBLIC");
        TpmtPublic p = unmarshal(in, bytes.length);
        in.end();
        return p;
    }

    /** Reads a TPMT_PUBLIC of {@code size} bytes from {@code in} (size from the enclosing TPM2B). */
    static TpmtPublic unmarshal(TpmReader in, int size) throws TpmFormatException {
        int start = in.position();
        int type = in.u16("type");
        int nameId = in.u16("nameAlg");
        HashAlg nameAlg = HashAlg.fromId(nameId)
                .orElseThrow(() -> in.error("nameAlg", "is unknown algorithm 0x" + Integer.toHexString(nameId)));
        int attrs = in.u32("objectAttributes");
        byte[] policy = in.tpm2b(Tpm2.MAX_DIGEST_BYTES, "authPolicy");
        int sym = in.u16("symmetric.algorithm");
        int symBits = 0;
        int symMode = 0;
        if (sym != Tpm2.TPM_ALG_NULL) {
            symBits = in.u16("symmetric.keyBits");
            symMode = in.u16("symmetric.mode");
        }
        int scheme = in.u16("scheme");
        HashAlg schemeHash = null;
        if (scheme != Tpm2.TPM_ALG_NULL && scheme != 0x0015 /* RSAES: no details */) {
            int h = in.u16("scheme.hashAlg");
            schemeHash = HashAlg.fromId(h)
                    .orElseThrow(() -> in.error("scheme.hashAlg", "is unknown algorithm 0x" + Integer.toHexString(h)));
            if (scheme == Tpm2.TPM_ALG_ECDAA) {
                in.u16("scheme.count");
            }
        }
        TpmtPublic out;
        switch (type) {
            case Tpm2.TPM_ALG_ECC -> {
                int curve = in.u16("curveID");
                int kdf = in.u16("kdf.scheme");
                if (kdf != Tpm2.TPM_ALG_NULL) {
                    in.u16("kdf.hashAlg");
                }
                byte[] x = in.tpm2b(Tpm2.MAX_ECC_KEY_BYTES, "unique.x");
                byte[] y = in.tpm2b(Tpm2.MAX_ECC_KEY_BYTES, "unique.y");
                out = new TpmtPublic(
                        type, nameAlg, attrs, policy, sym, symBits, symMode, scheme, schemeHash, curve, 0, x, y, null);
            }
            case Tpm2.TPM_ALG_RSA -> {
                int bits = in.u16("keyBits");
                long exp = Integer.toUnsignedLong(in.u32("exponent"));
                byte[] n = in.tpm2b(Tpm2.MAX_RSA_KEY_BYTES, "unique.rsa");
                out = new TpmtPublic(
                        type,
                        nameAlg,
                        attrs,
                        policy,
                        sym,
                        symBits,
                        symMode,
                        scheme,
                        schemeHash,
                        bits,
                        exp,
                        n,
                        new byte[0],
                        null);
            }
            default -> throw in.error("type", String.format("is 0x%04x; expected RSA (0x0001) or ECC (0x0023)", type));
        }
        if (in.position() - start != size) {
            throw in.error("TPMT_PUBLIC", "is " + (in.position() - start) + " bytes, its TPM2B says " + size);
        }
        return out.withRaw(in.slice(start, in.position()));
    }

    private TpmtPublic withRaw(byte[] bytes) {
        return new TpmtPublic(
                type,
                nameAlg,
                attributes,
                authPolicy,
                symmetric,
                symKeyBits,
                symMode,
                scheme,
                schemeHash,
                curveOrBits,
                exponent,
                uniqueX,
                uniqueY,
                bytes);
    }

    /** The object's Name: nameAlg (UINT16) || H_nameAlg(TPMT_PUBLIC). */
    public byte[] name() {
        byte[] h = nameAlg.hash(raw);
        byte[] out = new byte[2 + h.length];
        out[0] = (byte) (nameAlg.id() >>> 8);
        out[1] = (byte) nameAlg.id();
        System.arraycopy(h, 0, out, 2, h.length);
        return out;
    }

    /** The public key as a JCA key. */
    public PublicKey toPublicKey() throws TpmFormatException {
        try {
            if (type == Tpm2.TPM_ALG_RSA) {
                long e = exponent == 0 ? 65537 : exponent;
                return KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(new BigInteger(1, uniqueX), BigInteger.valueOf(e)));
            }
            EcCurves.Curve c = EcCurves.byTpmId(curveOrBits)
                    .orElseThrow(() -> new TpmFormatException(String.format(
                            "TPMT_PUBLIC: curve 0x%04x not supported (P-256, P-384, P-521)", curveOrBits)));
            ECPoint w = new ECPoint(new BigInteger(1, uniqueX), new BigInteger(1, uniqueY));
            requireOnCurve(w, c.params());
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, c.params()));
        } catch (GeneralSecurityException e) {
            throw new TpmFormatException("TPMT_PUBLIC: not a valid public key (" + e.getMessage() + ")");
        }
    }

    /**
     * Refuses a point whose coordinates are not field elements or that is not on the curve. The
     * JDK's key factory throws an unchecked exception for oversized coordinates and does not check
     * the curve equation at all; both are malformed input here (found by fuzzing AkKeys.parse).
     */
    private static void requireOnCurve(ECPoint w, ECParameterSpec params) throws TpmFormatException {
        BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
        BigInteger x = w.getAffineX();
        BigInteger y = w.getAffineY();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            throw new TpmFormatException("TPMT_PUBLIC: EC point coordinate larger than the curve's field");
        }
        BigInteger rhs = x.pow(3)
                .add(params.getCurve().getA().multiply(x))
                .add(params.getCurve().getB())
                .mod(p);
        if (!y.pow(2).mod(p).equals(rhs)) {
            throw new TpmFormatException("TPMT_PUBLIC: EC point is not on the curve");
        }
    }

    /** True when this key matches the JCA key (same modulus, or same curve point). */
    public boolean sameKey(PublicKey k) {
        if (k instanceof RSAPublicKey r && type == Tpm2.TPM_ALG_RSA) {
            return r.getModulus().equals(new BigInteger(1, uniqueX));
        }
        if (k instanceof ECPublicKey e && type == Tpm2.TPM_ALG_ECC) {
            return e.getW().getAffineX().equals(new BigInteger(1, uniqueX))
                    && e.getW().getAffineY().equals(new BigInteger(1, uniqueY));
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TpmtPublic p && Arrays.equals(p.raw, raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "TpmtPublic[type=0x" + Integer.toHexString(type) + ", scheme=" + TpmtSignature.schemeName(scheme) + "]";
    }
}
