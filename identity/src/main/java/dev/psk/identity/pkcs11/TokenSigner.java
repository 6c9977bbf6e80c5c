package dev.psk.identity.pkcs11;

import dev.psk.identity.EcP256;
import dev.psk.identity.IdentityException;
import dev.psk.identity.SignatureFormat;
import dev.psk.identity.Signer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;

/**
 * ECDSA P-256 / SHA-256 signing with a key that never leaves a PKCS#11 token. The message is hashed
 * here; the token signs the 32-byte digest with CKM_ECDSA (or hashes itself with CKM_ECDSA_SHA256
 * when it lacks raw ECDSA). Thread-safe (token calls are serialized).
 *
 * <p>Typical use, for a handshake transcript:
 * <pre>{@code
 * try (TokenSigner s = TokenSigner.open(Pkcs11Uri.parse(identityUri), PinSource.console())) {
 *     byte[] sig = s.sign(transcript, SignatureFormat.P1363);
 *     IdentityId id = s.identityId();
 * }
 * }</pre>
 */
public final class TokenSigner implements Signer {
    private final Pkcs11Token token;
    private final boolean ownsToken;
    private final TokenKey key;
    private final ECPublicKey publicKey;

    private TokenSigner(Pkcs11Token token, boolean ownsToken, TokenKey key, ECPublicKey publicKey) {
        this.token = token;
        this.ownsToken = ownsToken;
        this.key = key;
        this.publicKey = publicKey;
    }

    /**
     * Opens the token a key URI names ({@code pkcs11:token=…;object=…?module-path=…}), logs in with
     * the URI's pin-source/pin-value or else {@code pins}, and finds the key by {@code object=}
     * and/or {@code id=}. The signer owns the token session: {@link #close} closes it.
     *
     * @throws IdentityException (a {@link Pkcs11Exception} subclass for token trouble) naming what is wrong
     */
    public static TokenSigner open(Pkcs11Uri keyUri, PinSource pins) throws IdentityException {
        Pkcs11Token token = Pkcs11Token.open(keyUri, pins);
        try {
            TokenSigner s = on(token, keyUri);
            return new TokenSigner(token, true, s.key, s.publicKey);
        } catch (IdentityException | RuntimeException e) {
            token.close();
            throw e;
        }
    }

    /**
     * A signer for a key on a token the caller keeps open (and closes); {@link #close} leaves it open.
     *
     * <p>Fails closed: the key must be EC P-256 and {@link KeyAttributes#hardwareBound()} as the
     * token reports it (sensitive, never extractable, generated on the token, not extractable), so
     * a software key imported into a token is not accepted as a hardware identity.
     */
    public static TokenSigner on(Pkcs11Token token, Pkcs11Uri keyUri) throws IdentityException {
        TokenKey key = token.findKey(keyUri);
        if (!key.isEc()) {
            throw new IdentityException("key " + key + " is not an EC key: identity keys are ECDSA P-256");
        }
        KeyAttributes attrs = token.attributes(key);
        if (!attrs.hardwareBound()) {
            throw new IdentityException("key '" + key.label() + "' on token "
                    + token.info().describe()
                    + " is not hardware-bound: " + attrs.violations() + " (an identity key must be generated on the"
                    + " token, sensitive and never extractable)");
        }
        return new TokenSigner(token, false, key, token.publicKey(key));
    }

    @Override
    public byte[] sign(byte[] message, SignatureFormat format) throws IdentityException {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] rs = token.signEcdsa(key, digest, message);
        if (rs.length != EcP256.P1363_SIGNATURE_BYTES) {
            throw new IdentityException("token returned a " + rs.length + "-byte ECDSA signature; expected 64 (r||s)");
        }
        return format == SignatureFormat.P1363 ? rs : EcP256.p1363ToDer(rs);
    }

    @Override
    public ECPublicKey publicKey() {
        return publicKey;
    }

    /** The key on the token. */
    public TokenKey key() {
        return key;
    }

    @Override
    public void close() {
        if (ownsToken) {
            token.close();
        }
    }
}
