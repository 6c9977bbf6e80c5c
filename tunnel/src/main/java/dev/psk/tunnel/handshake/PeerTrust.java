package dev.psk.tunnel.handshake;

import java.security.PublicKey;
import java.util.Optional;

/**
 * What this end knows about peers: pinned identity keys (from {@code --peers FILE}) and the optional
 * allowlist of salted serial ids. Lookups are by identity_id; the key is compared by signature
 * verification, never by the id alone.
 */
public interface PeerTrust {
    /** A pinned peer; {@code name} is the operator's label for logs. */
    record Pin(byte[] identityId, PublicKey publicKey, boolean enabled, String name) {}

    /** True when no pins are configured (psk mode without --peers: any identity_id is accepted). */
    boolean acceptsAnyIdentity();

    Optional<Pin> lookup(byte[] identityId);

    /** True when no serial allowlist is configured or {@code serialId} is on it. */
    boolean serialAllowed(byte[] serialId);

    static PeerTrust any() {
        return new PeerTrust() {
            @Override
            public boolean acceptsAnyIdentity() {
                return true;
            }

            @Override
            public Optional<Pin> lookup(byte[] identityId) {
                return Optional.empty();
            }

            @Override
            public boolean serialAllowed(byte[] serialId) {
                return true;
            }
        };
    }
}
