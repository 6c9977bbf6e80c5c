package dev.psk.tunnel.hub;

import dev.psk.common.Hex;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

/**
 * One entry of the hub's {@code AllowedClients}: who may connect, with which PSK, owning which
 * inner addresses. Immutable; {@link #toString()} shows the fingerprint only.
 *
 * @param identityPin optional pinned hardware-identity public key (X.509 SubjectPublicKeyInfo DER):
 *     when present, message 1 must carry a signature by that key over the handshake hash
 */
public record AllowedClient(
        String name,
        byte[] publicKey,
        List<Cidr> allowedIps,
        byte[] psk,
        boolean enabled,
        boolean allowOverlap,
        byte[] identityPin) {

    public AllowedClient {
        if (identityPin != null) {
            try {
                IdentityProof.pinnedKey(identityPin);
            } catch (dev.psk.identity.IdentityException e) {
                throw new IllegalArgumentException("IdentityPin: " + e.getMessage(), e);
            }
        }
        publicKey = publicKey.clone();
        psk = psk.clone();
        allowedIps = List.copyOf(allowedIps);
        identityPin = identityPin == null ? null : identityPin.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** A copy of the PSK: the caller wipes it after use. */
    @Override
    public byte[] psk() {
        return psk.clone();
    }

    @Override
    public byte[] identityPin() {
        return identityPin == null ? null : identityPin.clone();
    }

    public String fingerprint() {
        return fingerprint(publicKey);
    }

    /** The pinned hardware-identity key, or null when none is pinned. */
    public java.security.interfaces.ECPublicKey identityKey() {
        try {
            return identityPin == null ? null : IdentityProof.pinnedKey(identityPin);
        } catch (dev.psk.identity.IdentityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Same client, same secrets: a live session may survive a reload only when this holds. */
    boolean sameCredentials(AllowedClient o) {
        return o != null
                && MessageDigest.isEqual(publicKey, o.publicKey)
                && MessageDigest.isEqual(psk, o.psk)
                && java.util.Arrays.equals(identityPin, o.identityPin)
                && enabled
                && o.enabled;
    }

    /**
     * The public name of a key in logs and metrics: the first 8 bytes of SHA-256 over the key, as
     * hex. Never the key itself (it identifies the client to anyone who sees the logs otherwise
     * unchanged) and never any secret.
     */
    public static String fingerprint(byte[] publicKey) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(publicKey);
            return Hex.encode(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllowedClient c
                && c.name.equals(name)
                && sameCredentials(c)
                && c.allowedIps.equals(allowedIps)
                && c.allowOverlap == allowOverlap;
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "AllowedClient[" + name + " " + fingerprint() + (enabled ? "" : " disabled") + " " + allowedIps + "]";
    }
}
