package dev.psk.common.state;

/**
 * The durable part of a tunnel end, as kept in its state file (docs/protocol.md section
 * "tunnel-state"): written by psk-tunnel, read by psk-tunnel on start and by {@code psk-keygen info
 * --state}. {@link TunnelStateFile} reads and writes it.
 *
 * <p>The sequence bounds are reservations, not positions: a running tunnel reserves ahead of what
 * it uses, so near the end of a pad {@code txReservedUntil} and {@code rxFloor} may lie beyond the
 * pad's last packet. Such a state is valid; that direction is exhausted.
 *
 * @param padFingerprint 32 lower-case hex digits, {@code PadLayout.fingerprint(control slot)}
 * @param initiator whether this end is the initiator (sends A->B), else the responder
 * @param txReservedUntil every TX sequence ever used is below it; a restart resumes here
 * @param rxFloor every RX sequence ever accepted is below it; a restart accepts only sequences at
 *     or above it
 * @param erasedSlots data slots {@code [0, erasedSlots)} have been overwritten with zeros
 * @param padSlots the pad's whole slots, control slot included; 0 when the file does not say
 *     (older files)
 * @param cleanStop true only when the file was last written by a clean stop (or is fresh): the
 *     positions are then exact; false while running, so a crash is recognisable at the next start
 */
public record TunnelState(
        String padFingerprint,
        boolean initiator,
        long txReservedUntil,
        long rxFloor,
        long erasedSlots,
        long padSlots,
        boolean cleanStop) {

    public TunnelState {
        if (!TunnelStateFile.isFingerprint(padFingerprint)) {
            throw new IllegalArgumentException("pad fingerprint must be 32 lower-case hex digits");
        }
        if (txReservedUntil < 0 || rxFloor < 0 || erasedSlots < 0 || padSlots < 0) {
            throw new IllegalArgumentException("state counters must be non-negative");
        }
    }

    /** "initiator" or "responder", as the file spells the role. */
    public String roleLabel() {
        return TunnelStateFile.roleLabel(initiator);
    }

    public TunnelState withTx(long v) {
        return new TunnelState(padFingerprint, initiator, v, rxFloor, erasedSlots, padSlots, cleanStop);
    }

    public TunnelState withRx(long v) {
        return new TunnelState(padFingerprint, initiator, txReservedUntil, v, erasedSlots, padSlots, cleanStop);
    }

    public TunnelState withErased(long v) {
        return new TunnelState(padFingerprint, initiator, txReservedUntil, rxFloor, v, padSlots, cleanStop);
    }

    public TunnelState withCleanStop(boolean v) {
        return new TunnelState(padFingerprint, initiator, txReservedUntil, rxFloor, erasedSlots, padSlots, v);
    }
}
