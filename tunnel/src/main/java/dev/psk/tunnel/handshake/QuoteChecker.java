package dev.psk.tunnel.handshake;

/**
 * Verifies a peer's quote: TPMS_ATTEST of type quote, signature by the peer's pinned AK, the nonce,
 * and the PCR selection and digest the policy demands.
 */
public interface QuoteChecker {
    /** @return null when the quote satisfies the policy, else the reason (for logs; no secrets). */
    String check(byte[] peerIdentityId, byte[] expectedNonce, QuoteSection quote);
}
