package dev.psk.attest;

import dev.psk.attest.tpm.ClockInfo;
import dev.psk.attest.tpm.DerEcdsa;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmWriter;
import dev.psk.attest.tpm.TpmsAttest;
import dev.psk.attest.tpm.TpmtSignature;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/** Software-signed quotes for offline tests: the same bytes a TPM would produce, signed by a JCA key. */
public final class SoftQuotes {
    private SoftQuotes() {}

    public static KeyPair ecKey(String curve) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    public static KeyPair rsaKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** PCR values 0x01.., 0x02.. … for a selection (distinct per PCR). */
    public static byte[] values(PcrSelection sel) {
        TpmWriter w = new TpmWriter();
        int k = 1;
        for (PcrSelection.Bank b : sel.banks()) {
            for (int ignored : b.indices()) {
                byte[] v = new byte[b.hash().digestBytes()];
                java.util.Arrays.fill(v, (byte) k++);
                w.bytes(v);
            }
        }
        return w.toByteArray();
    }

    public static byte[] attest(int type, byte[] nonce, PcrSelection sel, byte[] values, HashAlg h) {
        byte[] signer = new byte[34];
        signer[1] = 0x0b;
        return TpmsAttest.marshalQuote(
                Tpm2.TPM_GENERATED_VALUE,
                type,
                signer,
                nonce,
                new ClockInfo(123456, 7, 2, true),
                0x2019102300163636L,
                sel,
                h.hash(values));
    }

    /** A TPMT_SIGNATURE over {@code msg}: ECDSA for EC keys, RSASSA for RSA keys. */
    public static byte[] sign(KeyPair k, byte[] msg, HashAlg h) throws GeneralSecurityException {
        String hn = h.jcaName().replace("-", "");
        if (k.getPrivate().getAlgorithm().equals("EC")) {
            Signature s = Signature.getInstance(hn + "withECDSA");
            s.initSign(k.getPrivate());
            s.update(msg);
            BigInteger[] rs = rs(s.sign());
            int len = (((java.security.interfaces.ECPublicKey) k.getPublic())
                                    .getParams()
                                    .getOrder()
                                    .bitLength()
                            + 7)
                    / 8;
            return marshal(new TpmtSignature.Ecdsa(h, rs[0], rs[1]), len);
        }
        Signature s = Signature.getInstance(hn + "withRSA");
        s.initSign(k.getPrivate());
        s.update(msg);
        return marshal(new TpmtSignature.Rsa(Tpm2.TPM_ALG_RSASSA, h, s.sign()), 0);
    }

    /** DER ECDSA (plain) signature over {@code msg}. */
    public static byte[] signDer(KeyPair k, byte[] msg, HashAlg h) throws GeneralSecurityException {
        Signature s = Signature.getInstance(h.jcaName().replace("-", "") + "withECDSA");
        s.initSign(k.getPrivate());
        s.update(msg);
        return s.sign();
    }

    public static byte[] marshal(TpmtSignature sig, int coordBytes) {
        return TpmtSignature.marshal(sig, coordBytes);
    }

    /** Unchecked decode for tests. */
    static BigInteger[] rs(byte[] der) {
        try {
            return DerEcdsa.decode(der);
        } catch (TpmFormatException e) {
            throw new IllegalStateException(e);
        }
    }
}
