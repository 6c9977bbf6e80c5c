package dev.psk.tunnel.handshake.bench;

import dev.psk.tunnel.handshake.LocalIdentity;
import dev.psk.tunnel.handshake.PeerTrust;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Optional;

/**
 * Two identities for the signed-mode benchmark. {@code -Dpsk.bench.signer=softhsm} signs through
 * SunPKCS11 with the SoftHSM2 token named by {@code psk.bench.pkcs11.conf} (a SunPKCS11 config file)
 * and the PIN in the file {@code psk.bench.pin.file}; the default is a software key (SunEC).
 */
final class SignerFactory {
    record Pair(
            LocalIdentity initiator, LocalIdentity responder, PeerTrust trustOfInitiator, PeerTrust trustOfResponder) {}

    private SignerFactory() {}

    static Pair create() throws Exception {
        Provider provider = null;
        String kind = System.getProperty("psk.bench.signer", "soft");
        KeyPairGenerator g;
        if (kind.equals("softhsm")) {
            provider = java.security.Security.getProvider("SunPKCS11")
                    .configure(System.getProperty("psk.bench.pkcs11.conf"));
            java.security.Security.addProvider(provider);
            char[] pin = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("psk.bench.pin.file")))
                    .strip()
                    .toCharArray();
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS11", provider);
            ks.load(null, pin);
            g = KeyPairGenerator.getInstance("EC", provider);
        } else {
            g = KeyPairGenerator.getInstance("EC");
        }
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair a = g.generateKeyPair();
        KeyPair b = g.generateKeyPair();
        LocalIdentity ia = identity(a, provider);
        LocalIdentity ib = identity(b, provider);
        return new Pair(ia, ib, trust(ib.identityId(), b.getPublic()), trust(ia.identityId(), a.getPublic()));
    }

    private static LocalIdentity identity(KeyPair kp, Provider provider) throws Exception {
        PublicKey pub = java.security.KeyFactory.getInstance("EC")
                .generatePublic(
                        new java.security.spec.X509EncodedKeySpec(kp.getPublic().getEncoded()));
        byte[] id = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(pub.getEncoded()), 8);
        PrivateKey priv = kp.getPrivate();
        Provider p = provider;
        return new LocalIdentity() {
            public byte[] identityId() {
                return id.clone();
            }

            public boolean canSign() {
                return true;
            }

            public byte[] sign(byte[] transcript) {
                try {
                    Signature s = p == null
                            ? Signature.getInstance("SHA256withECDSAinP1363Format")
                            : Signature.getInstance("SHA256withECDSAinP1363Format", p);
                    s.initSign(priv);
                    s.update(transcript);
                    return s.sign();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private static PeerTrust trust(byte[] id, PublicKey key) throws Exception {
        PublicKey pub = java.security.KeyFactory.getInstance("EC")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(key.getEncoded()));
        PeerTrust.Pin pin = new PeerTrust.Pin(id, pub, true, "bench");
        return new PeerTrust() {
            public boolean acceptsAnyIdentity() {
                return false;
            }

            public Optional<Pin> lookup(byte[] identityId) {
                return Arrays.equals(identityId, id) ? Optional.of(pin) : Optional.empty();
            }

            public boolean serialAllowed(byte[] serialId) {
                return true;
            }
        };
    }
}
