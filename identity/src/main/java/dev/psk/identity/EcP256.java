package dev.psk.identity;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * NIST P-256 (secp256r1) encodings: uncompressed points, SubjectPublicKeyInfo DER (RFC 5480), and
 * ECDSA signatures in DER (RFC 3279 Ecdsa-Sig-Value) and IEEE P1363 (r‖s, 64 bytes) form.
 */
public final class EcP256 {
    /** Uncompressed point: 0x04 ‖ X ‖ Y (SEC 1 section 2.3.3). */
    public static final int POINT_BYTES = 65;

    public static final int FIELD_BYTES = 32;
    /** r ‖ s, each left-padded to 32 bytes. */
    public static final int P1363_SIGNATURE_BYTES = 64;
    /** SubjectPublicKeyInfo DER of a P-256 key: this 26-byte prefix, then the uncompressed point. */
    private static final byte[] SPKI_PREFIX =
            dev.psk.common.Hex.decode("3059301306072a8648ce3d020106082a8648ce3d030107034200");

    public static final int SPKI_BYTES = 91;

    private static final BigInteger P =
            new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger B =
            new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
    private static final BigInteger N =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

    private EcP256() {}

    /**
     * A public key from an uncompressed point, checked to lie on the curve.
     *
     * @throws IdentityException when the point is not 65 bytes starting 0x04 or is not on P-256
     */
    public static ECPublicKey publicKeyFromPoint(byte[] point) throws IdentityException {
        checkPoint(point);
        byte[] spki = new byte[SPKI_BYTES];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(point, 0, spki, SPKI_PREFIX.length, POINT_BYTES);
        return publicKeyFromSpki(spki);
    }

    /**
     * A public key from SubjectPublicKeyInfo DER, accepted only when it is a P-256 key.
     *
     * @throws IdentityException for any other key or a malformed encoding
     */
    public static ECPublicKey publicKeyFromSpki(byte[] spki) throws IdentityException {
        PublicKey k;
        try {
            k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IdentityException(
                    "public key: " + otherKind(spki) + ": only EC P-256 (secp256r1) keys are supported");
        }
        if (!(k instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
            String curve = k instanceof ECPublicKey other && other.getParams() != null
                    ? "an EC key on a "
                            + other.getParams().getCurve().getField().getFieldSize() + "-bit curve"
                    : "an EC key on another curve";
            throw new IdentityException("public key: " + curve + ": only EC P-256 (secp256r1) keys are supported");
        }
        checkPoint(point(ec));
        return ec;
    }

    /** What a non-EC SubjectPublicKeyInfo holds, for the error message (never the JDK's own text). */
    private static String otherKind(byte[] spki) {
        for (String alg : new String[] {"RSA", "Ed25519", "X25519"}) {
            try {
                KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(spki));
                return "an " + alg + " key";
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this kind either
            }
        }
        return "not a well-formed public key";
    }

    /** The canonical SubjectPublicKeyInfo DER (named-curve form) of a P-256 key. */
    public static byte[] spki(ECPublicKey key) {
        byte[] out = new byte[SPKI_BYTES];
        System.arraycopy(SPKI_PREFIX, 0, out, 0, SPKI_PREFIX.length);
        System.arraycopy(point(key), 0, out, SPKI_PREFIX.length, POINT_BYTES);
        return out;
    }

    /** The uncompressed point of a P-256 key. */
    public static byte[] point(ECPublicKey key) {
        ECPoint w = key.getW();
        byte[] out = new byte[POINT_BYTES];
        out[0] = 0x04;
        unsigned(w.getAffineX(), out, 1);
        unsigned(w.getAffineY(), out, 1 + FIELD_BYTES);
        return out;
    }

    public static boolean isP256(ECParameterSpec params) {
        return params != null
                && params.getOrder().equals(N)
                && params.getCurve().getB().equals(B)
                && params.getCurve().getField().getFieldSize() == 256;
    }

    /** DER Ecdsa-Sig-Value from r ‖ s (64 bytes). */
    public static byte[] p1363ToDer(byte[] rs) throws IdentityException {
        if (rs.length != P1363_SIGNATURE_BYTES) {
            throw new IdentityException(
                    "ECDSA signature: expected " + P1363_SIGNATURE_BYTES + " bytes r||s, got " + rs.length);
        }
        byte[] r = new BigInteger(1, Arrays.copyOfRange(rs, 0, FIELD_BYTES)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(rs, FIELD_BYTES, P1363_SIGNATURE_BYTES)).toByteArray();
        int len = 2 + r.length + 2 + s.length;
        byte[] out = new byte[len + (len >= 128 ? 3 : 2)];
        int o = 0;
        out[o++] = 0x30;
        if (len >= 128) {
            out[o++] = (byte) 0x81;
        }
        out[o++] = (byte) len;
        out[o++] = 0x02;
        out[o++] = (byte) r.length;
        System.arraycopy(r, 0, out, o, r.length);
        o += r.length;
        out[o++] = 0x02;
        out[o++] = (byte) s.length;
        System.arraycopy(s, 0, out, o, s.length);
        return out;
    }

    /**
     * r ‖ s from a strictly encoded DER Ecdsa-Sig-Value: SEQUENCE of two INTEGERs in minimal,
     * positive, short-form encoding, at most 32 value bytes each, nothing after. BER leniency (long
     * lengths, missing or extra leading zeros, negative numbers, trailing data) is how signature
     * malleability creeps in, so anything else gives {@code null}.
     */
    public static byte[] derToP1363(byte[] der) {
        if (der == null || der.length < 8 || der[0] != 0x30 || (der[1] & 0xff) != der.length - 2) {
            return null;
        }
        byte[] out = new byte[P1363_SIGNATURE_BYTES];
        int o = 2;
        for (int k = 0; k < 2; k++) {
            if (o + 2 > der.length || der[o] != 0x02) {
                return null;
            }
            int len = der[o + 1] & 0xff;
            o += 2;
            if (len == 0 || len > FIELD_BYTES + 1 || o + len > der.length) {
                return null;
            }
            if ((der[o] & 0x80) != 0) {
                return null; // negative
            }
            if (der[o] == 0 && (len == 1 || (der[o + 1] & 0x80) == 0)) {
                return null; // zero value, or a leading zero that is not needed
            }
            int start = der[o] == 0 ? o + 1 : o;
            int n = o + len - start;
            if (n > FIELD_BYTES) {
                return null;
            }
            System.arraycopy(der, start, out, k * FIELD_BYTES + FIELD_BYTES - n, n);
            o += len;
        }
        return o == der.length ? out : null;
    }

    private static void checkPoint(byte[] point) throws IdentityException {
        if (point.length != POINT_BYTES || point[0] != 0x04) {
            throw new IdentityException("EC point: expected " + POINT_BYTES + " bytes, uncompressed (0x04 ...), got "
                    + point.length + " bytes");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + FIELD_BYTES));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + FIELD_BYTES, POINT_BYTES));
        if (x.compareTo(P) >= 0
                || y.compareTo(P) >= 0
                || !y.multiply(y)
                        .subtract(x.pow(3)
                                .subtract(x.multiply(BigInteger.valueOf(3)))
                                .add(B))
                        .mod(P)
                        .equals(BigInteger.ZERO)) {
            throw new IdentityException("EC point: not on the P-256 curve");
        }
    }

    private static void unsigned(BigInteger v, byte[] out, int off) {
        byte[] b = v.toByteArray();
        int n = Math.min(b.length, FIELD_BYTES);
        System.arraycopy(b, b.length - n, out, off + FIELD_BYTES - n, n);
    }
}
