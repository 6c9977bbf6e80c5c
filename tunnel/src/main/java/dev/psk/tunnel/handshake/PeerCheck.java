package dev.psk.tunnel.handshake;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Optional;

/**
 * The policy checks both roles apply to a peer, in cost order: identity and allowlist lookups first
 * (table lookups), then the ECDSA signature, then the quote.
 */
final class PeerCheck {
    private final HandshakeConfig cfg;

    PeerCheck(HandshakeConfig cfg) {
        this.cfg = cfg;
    }

    /** Checks identity_id and serial id; null when acceptable. */
    Refusal identity(byte[] identityId, byte[] serialId) {
        if (!cfg.trust().serialAllowed(serialId)) {
            return Refusal.SERIAL_NOT_ALLOWED;
        }
        if (!cfg.mode().requiresSignature() && cfg.trust().acceptsAnyIdentity()) {
            return null;
        }
        Optional<PeerTrust.Pin> pin = cfg.trust().lookup(identityId);
        if (pin.isEmpty()) {
            return Refusal.UNKNOWN_IDENTITY;
        }
        return pin.get().enabled() ? null : Refusal.DISABLED_IDENTITY;
    }

    /** Checks the peer's transcript signature when this end's mode requires one. */
    Refusal signature(byte[] identityId, byte[] transcript, byte[] signature) {
        if (!cfg.mode().requiresSignature()) {
            return null;
        }
        if (signature == null) {
            return Refusal.MISSING_SIGNATURE;
        }
        Optional<PeerTrust.Pin> pin = cfg.trust().lookup(identityId);
        if (pin.isEmpty() || pin.get().publicKey() == null) {
            return Refusal.UNKNOWN_IDENTITY;
        }
        try {
            Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
            v.initVerify(pin.get().publicKey());
            v.update(transcript);
            return v.verify(signature) ? null : Refusal.BAD_SIGNATURE;
        } catch (GeneralSecurityException e) {
            return Refusal.BAD_SIGNATURE;
        }
    }

    /** Checks the peer's quote when this end demands one; {@code reasonOut[0]} receives the checker's reason. */
    Refusal quote(byte[] identityId, byte[] transcript, QuoteSection quote, String[] reasonOut) {
        if (cfg.quoteChecker() == null) {
            return null;
        }
        if (quote == null) {
            return Refusal.MISSING_QUOTE;
        }
        String why = cfg.quoteChecker().check(identityId, Transcript.quoteNonce(transcript, identityId), quote);
        reasonOut[0] = why;
        return why == null ? null : Refusal.QUOTE_REJECTED;
    }

    String peerName(byte[] identityId) {
        return cfg.trust().lookup(identityId).map(PeerTrust.Pin::name).orElse("");
    }
}
