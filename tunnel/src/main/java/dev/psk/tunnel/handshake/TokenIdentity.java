package dev.psk.tunnel.handshake;

import dev.psk.common.PskException;
import dev.psk.identity.IdentityId;
import dev.psk.identity.SignatureFormat;
import dev.psk.identity.pkcs11.TokenSigner;

/**
 * This end's identity backed by a PKCS#11 token key ({@code --identity pkcs11:…}): identity_id from
 * the key's SubjectPublicKeyInfo, transcript signatures made inside the token (P1363 r || s).
 * Thread-safe as {@link TokenSigner} is. Closing it closes the token session.
 */
public final class TokenIdentity implements LocalIdentity, AutoCloseable {
    private final TokenSigner signer;
    private final byte[] id;
    private final byte[] serial;

    public TokenIdentity(TokenSigner signer, byte[] serialId) {
        this.signer = signer;
        this.id = IdentityId.of(signer.publicKey()).bytes();
        this.serial = serialId.clone();
    }

    @Override
    public byte[] identityId() {
        return id.clone();
    }

    /** The token key's public half (for pinning this device at a peer). */
    public java.security.interfaces.ECPublicKey publicKey() {
        return signer.publicKey();
    }

    @Override
    public byte[] serialId() {
        return serial.clone();
    }

    @Override
    public boolean canSign() {
        return true;
    }

    @Override
    public byte[] sign(byte[] transcript) throws PskException {
        return signer.sign(transcript, SignatureFormat.P1363);
    }

    @Override
    public void close() {
        signer.close();
    }
}
