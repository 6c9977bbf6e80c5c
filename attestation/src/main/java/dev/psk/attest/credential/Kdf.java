package dev.psk.attest.credential;

import dev.psk.attest.tpm.HashAlg;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The TPM's key derivation functions (TPM 2.0 Part 1 §11.4.10): KDFa, the SP 800-108 counter-mode
 * KDF with HMAC, and KDFe, the SP 800-56A one-step KDF with a hash. Labels are ASCII and get their
 * terminating zero octet here, as the TPM adds it.
 */
public final class Kdf {
    private Kdf() {}

    /**
     * KDFa(hash, key, label, contextU, contextV, bits): HMAC_key(counter || label || 0x00 ||
     * contextU || contextV || bits) for counter = 1, 2, … concatenated and cut to {@code bits}.
     */
    public static byte[] kdfa(HashAlg hash, byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
        requireWholeBytes(bits);
        try {
            Mac mac = Mac.getInstance(hmacName(hash));
            mac.init(new SecretKeySpec(key, mac.getAlgorithm()));
            byte[] out = new byte[bits / 8];
            byte[] block = new byte[0];
            try {
                for (int counter = 1, done = 0; done < out.length; counter++) {
                    mac.update(u32(counter));
                    mac.update(label(label));
                    mac.update(contextU);
                    mac.update(contextV);
                    mac.update(u32(bits));
                    block = mac.doFinal();
                    int n = Math.min(block.length, out.length - done);
                    System.arraycopy(block, 0, out, done, n);
                    done += n;
                }
                return out;
            } finally {
                Arrays.fill(block, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + hmacName(hash), e);
        }
    }

    /**
     * KDFe(hash, Z, label, partyU, partyV, bits): H(counter || Z || label || 0x00 || partyU ||
     * partyV) for counter = 1, 2, … concatenated and cut to {@code bits}.
     */
    public static byte[] kdfe(HashAlg hash, byte[] z, String label, byte[] partyU, byte[] partyV, int bits) {
        requireWholeBytes(bits);
        MessageDigest md = hash.newDigest();
        byte[] out = new byte[bits / 8];
        byte[] block = new byte[0];
        try {
            for (int counter = 1, done = 0; done < out.length; counter++) {
                md.update(u32(counter));
                md.update(z);
                md.update(label(label));
                md.update(partyU);
                md.update(partyV);
                block = md.digest();
                int n = Math.min(block.length, out.length - done);
                System.arraycopy(block, 0, out, done, n);
                done += n;
            }
            return out;
        } finally {
            Arrays.fill(block, (byte) 0);
        }
    }

    static String hmacName(HashAlg hash) {
        return "Hmac" + hash.jcaName().replace("-", "");
    }

    private static void requireWholeBytes(int bits) {
        if (bits <= 0 || bits % 8 != 0) {
            throw new IllegalArgumentException(
                    "KDF output must be a positive whole number of bytes, not " + bits + " bits");
        }
    }

    private static byte[] label(String label) {
        byte[] ascii = label.getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(ascii, ascii.length + 1);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }
}
