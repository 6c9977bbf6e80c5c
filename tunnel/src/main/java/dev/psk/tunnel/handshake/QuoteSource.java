package dev.psk.tunnel.handshake;

import dev.psk.common.PskException;

/** Produces a fresh TPM 2.0 quote over this end's policy PCR selection with the given qualifying data. */
public interface QuoteSource {
    QuoteSection quote(byte[] nonce) throws PskException;
}
