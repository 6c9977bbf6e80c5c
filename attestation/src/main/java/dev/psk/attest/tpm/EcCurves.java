package dev.psk.attest.tpm;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Optional;

/** The NIST curves a TPM attestation key may use, with their TPM ids and the hash that matches their size. */
public final class EcCurves {
    /** A curve: TPM_ECC_CURVE id, coordinate bytes, JCA parameters, the hash whose size matches. */
    public record Curve(String name, int tpmId, int coordBytes, ECParameterSpec params, HashAlg hash) {
        public BigInteger order() {
            return params.getOrder();
        }
    }

    private static final Curve P256 = curve("P-256", "secp256r1", Tpm2.TPM_ECC_NIST_P256, 32, HashAlg.SHA256);
    private static final Curve P384 = curve("P-384", "secp384r1", Tpm2.TPM_ECC_NIST_P384, 48, HashAlg.SHA384);
    private static final Curve P521 = curve("P-521", "secp521r1", Tpm2.TPM_ECC_NIST_P521, 66, HashAlg.SHA512);

    private EcCurves() {}

    private static Curve curve(String name, String std, int id, int bytes, HashAlg hash) {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec(std));
            return new Curve(name, id, bytes, p.getParameterSpec(ECParameterSpec.class), hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks curve " + std, e);
        }
    }

    public static Optional<Curve> byTpmId(int id) {
        for (Curve c : new Curve[] {P256, P384, P521}) {
            if (c.tpmId() == id) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The curve of a JCA EC key, told by its field size and order. */
    public static Optional<Curve> of(ECPublicKey key) {
        BigInteger n = key.getParams().getOrder();
        for (Curve c : new Curve[] {P256, P384, P521}) {
            if (c.order().equals(n)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
