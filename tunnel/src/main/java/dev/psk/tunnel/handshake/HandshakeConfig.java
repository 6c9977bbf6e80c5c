package dev.psk.tunnel.handshake;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Everything one end needs to run the handshake.
 *
 * @param quoteSource null unless this end can attest ({@code --attest})
 * @param quoteChecker null unless this end demands a quote from its peer ({@code --policy})
 */
public record HandshakeConfig(
        HandshakeMode mode,
        HandshakeKeys keys,
        LocalIdentity identity,
        PeerTrust trust,
        QuoteSource quoteSource,
        QuoteChecker quoteChecker,
        InstantSource clock,
        SecureRandom random) {
    public HandshakeConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        if (mode == HandshakeMode.OFF) {
            throw new IllegalArgumentException("--handshake off runs no handshake engine");
        }
        if (mode.requiresSignature() && !identity.canSign()) {
            throw new IllegalArgumentException("--handshake " + mode + " needs --identity (a token key to sign with)");
        }
        if (mode == HandshakeMode.ATTESTED && quoteSource == null && quoteChecker == null) {
            throw new IllegalArgumentException(
                    "--handshake attested needs --attest (to quote) or --policy (to demand a quote)");
        }
    }

    /** FLAG_WANT_* bits this end sets: what it demands of its peer. */
    int wants() {
        return (mode.requiresSignature() ? HandshakeWire.FLAG_WANT_SIGNATURE : 0)
                | (quoteChecker != null ? HandshakeWire.FLAG_WANT_QUOTE : 0);
    }
}
