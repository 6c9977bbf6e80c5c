package dev.psk.tunnel.handshake;

import dev.psk.attest.quote.AkSource;
import dev.psk.attest.quote.Quote;
import dev.psk.attest.quote.Quoter;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.common.PskException;

/**
 * Fresh quotes from a TPM ({@code --attest swtpm:host=…,port=…} or {@code device:/dev/tpmrm0}) over
 * {@code selection}, signed by the primary ECC attestation key the attestation library derives.
 */
public final class TpmQuoteSource implements QuoteSource {
    private final String tpmAddress;
    private final AkSource ak;
    private final PcrSelection selection;

    public TpmQuoteSource(String tpmAddress, AkSource ak, PcrSelection selection) {
        this.tpmAddress = tpmAddress;
        this.ak = ak;
        this.selection = selection;
    }

    @Override
    public QuoteSection quote(byte[] nonce) throws PskException {
        Quote q = Quoter.quote(tpmAddress, ak, nonce, selection);
        return new QuoteSection(q.attest(), q.signature(), q.pcrValues());
    }
}
