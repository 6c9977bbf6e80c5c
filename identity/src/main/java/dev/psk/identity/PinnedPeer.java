package dev.psk.identity;

import java.security.interfaces.ECPublicKey;
import java.util.regex.Pattern;

/**
 * One pinned peer: an operator-chosen name, the identity_id, the public key it is derived from,
 * and whether it is currently accepted. {@link #create} checks that the id matches the key.
 */
public record PinnedPeer(String name, IdentityId identityId, ECPublicKey publicKey, boolean enabled) {
    /** Names are 1–64 of letters, digits, '.', '_', '-' (they appear in logs and file headers). */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * A validated peer.
     *
     * @throws IdentityException for a bad name or an identity_id that is not the key's
     */
    public static PinnedPeer create(String name, IdentityId identityId, ECPublicKey key, boolean enabled)
            throws IdentityException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IdentityException("peer name \"" + name + "\": expected 1-64 letters, digits, '.', '_' or '-'");
        }
        IdentityId computed = IdentityId.of(key);
        if (identityId != null && !identityId.equals(computed)) {
            throw new IdentityException("peer '" + name + "': identity_id " + identityId
                    + " does not match its public key (which gives " + computed + ")");
        }
        return new PinnedPeer(name, computed, key, enabled);
    }

    /** The same peer, enabled or disabled. */
    public PinnedPeer withEnabled(boolean on) {
        return new PinnedPeer(name, identityId, publicKey, on);
    }
}
