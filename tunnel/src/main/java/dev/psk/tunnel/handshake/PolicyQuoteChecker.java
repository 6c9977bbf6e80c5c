package dev.psk.tunnel.handshake;

import dev.psk.attest.policy.PcrPolicy;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.verify.Expectations;
import dev.psk.attest.verify.QuoteEvidence;
import dev.psk.attest.verify.QuoteVerifier;
import dev.psk.attest.verify.Verdict;
import java.security.PublicKey;

/**
 * Checks a peer's quote with the attestation library's strict {@link QuoteVerifier}: a quote (not
 * another attestation type) signed by the pinned AK ({@code --peer-ak FILE}), over exactly the
 * demanded PCR selection, with qualifying data SHA-256(transcript || identity_id) and PCR values
 * equal to the policy's ({@code --policy FILE}).
 */
public final class PolicyQuoteChecker implements QuoteChecker {
    private final PublicKey ak;
    private final PcrSelection selection;
    private final PcrPolicy policy;

    public PolicyQuoteChecker(PublicKey pinnedAk, PcrSelection selection, PcrPolicy policy) {
        this.ak = pinnedAk;
        this.selection = selection;
        this.policy = policy;
    }

    @Override
    public String check(byte[] peerIdentityId, byte[] expectedNonce, QuoteSection quote) {
        Expectations exp = Expectations.builder(ak, expectedNonce, selection)
                .policy(policy)
                .build();
        Verdict v = QuoteVerifier.verify(new QuoteEvidence(quote.attest(), quote.signature(), quote.pcrValues()), exp);
        return v.accepted() ? null : v.reason();
    }
}
