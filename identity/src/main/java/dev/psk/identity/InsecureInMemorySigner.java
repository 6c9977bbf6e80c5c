package dev.psk.identity;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;

/**
 * A P-256 signer whose private key lives in JVM memory. Insecure by design — the key can be read
 * out of the process — and meant for tests of protocols that take a {@link Signer}; deployments
 * use {@link dev.psk.identity.pkcs11.TokenSigner}.
 */
public final class InsecureInMemorySigner implements Signer {
    private final PrivateKey privateKey;
    private final ECPublicKey publicKey;

    private InsecureInMemorySigner(KeyPair kp) {
        this.privateKey = kp.getPrivate();
        this.publicKey = (ECPublicKey) kp.getPublic();
    }

    /** A fresh random P-256 key pair. */
    public static InsecureInMemorySigner generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return new InsecureInMemorySigner(g.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is missing from this JDK", e);
        }
    }

    @Override
    public byte[] sign(byte[] message, SignatureFormat format) throws IdentityException {
        try {
            Signature s = Signature.getInstance(format.jcaAlgorithm());
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IdentityException("signing failed: " + e.getMessage(), e);
        }
    }

    @Override
    public ECPublicKey publicKey() {
        return publicKey;
    }

    @Override
    public void close() {}
}
