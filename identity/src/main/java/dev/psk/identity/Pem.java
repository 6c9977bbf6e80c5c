package dev.psk.identity;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;

/** PEM "PUBLIC KEY" blocks (RFC 7468 section 13) for P-256 SubjectPublicKeyInfo. */
public final class Pem {
    public static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    public static final String END = "-----END PUBLIC KEY-----";

    private Pem() {}

    /** The key as a PEM block, 64 base64 characters a line, ending in a newline. */
    public static String encode(ECPublicKey key) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(EcP256.spki(key));
        return BEGIN + "\n" + b64 + "\n" + END + "\n";
    }

    /**
     * The first PUBLIC KEY block in {@code text} (text around it is ignored, as RFC 7468 allows).
     *
     * @throws IdentityException when there is no block, the base64 is bad, or the key is not P-256
     */
    public static ECPublicKey decode(String text) throws IdentityException {
        int b = text.indexOf(BEGIN);
        int e = b < 0 ? -1 : text.indexOf(END, b);
        if (b < 0 || e < 0) {
            throw new IdentityException("expected a PEM block between \"" + BEGIN + "\" and \"" + END + "\"");
        }
        String body = text.substring(b + BEGIN.length(), e).replaceAll("\\s+", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException ex) {
            throw new IdentityException("PEM block: bad base64 (" + ex.getMessage() + ")");
        }
        return EcP256.publicKeyFromSpki(der);
    }
}
