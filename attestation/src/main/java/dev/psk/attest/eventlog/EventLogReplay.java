package dev.psk.attest.eventlog;

import dev.psk.attest.AttestException;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.Tpm2;
import java.security.MessageDigest;

/**
 * Replays an {@link EventLog} into PCR values: each bank starts at zero (PCR 0 at the startup
 * locality, PC Client PFP §10.4.5.3) and every event other than EV_NO_ACTION extends its PCR,
 * PCR := H(PCR || digest) (TPM 2.0 Part 1 §17.2).
 */
public final class EventLogReplay {
    private EventLogReplay() {}

    /**
     * The 24 PCR values of {@code bank} after replaying {@code log}.
     *
     * @throws AttestException when the log does not carry {@code bank} in its header or an extending
     *     event lacks a digest of that bank (the bank cannot be replayed)
     */
    public static byte[][] replay(EventLog log, HashAlg bank) throws AttestException {
        if (!log.digestSizes().containsKey(bank.id())) {
            throw new AttestException("event log has no " + bank.toolName() + " bank (header declares "
                    + log.digestSizes().keySet().stream()
                            .map(a -> HashAlg.fromId(a).map(HashAlg::toolName).orElse(String.format("0x%04x", a)))
                            .toList()
                    + ")");
        }
        byte[][] pcrs = new byte[Tpm2.PCR_COUNT][bank.digestBytes()];
        pcrs[0][bank.digestBytes() - 1] = (byte) log.startupLocality();
        MessageDigest md = bank.newDigest();
        int index = 0;
        for (EventLog.Event e : log.events()) {
            index++;
            if (e.eventType() == EventLog.EV_NO_ACTION) {
                continue;
            }
            byte[] d = e.digests().get(bank);
            if (d == null) {
                throw new AttestException("event log event " + index + " (PCR " + e.pcrIndex() + ") has no "
                        + bank.toolName() + " digest");
            }
            md.update(pcrs[e.pcrIndex()]);
            md.update(d);
            pcrs[e.pcrIndex()] = md.digest();
        }
        return pcrs;
    }
}
