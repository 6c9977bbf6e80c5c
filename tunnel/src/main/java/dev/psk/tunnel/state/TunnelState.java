package dev.psk.tunnel.state;

import dev.psk.tunnel.wire.Role;

/**
 * The durable part of a tunnel end (docs/protocol.md section "tunnel-state").
 *
 * @param padFingerprint 32 hex digits, {@code PadLayout.fingerprint(control slot)}
 * @param txReservedUntil every TX sequence ever used is below it; a restart resumes here
 * @param rxFloor every RX sequence ever accepted is below it; a restart accepts only sequences at or above it
 * @param erasedSlots data slots {@code [0, erasedSlots)} have been overwritten with zeros
 * @param padSlots the pad's whole slots, control slot included (informational, checked on load)
 * @param cleanStop true only when the file was last written by a clean stop (or is fresh): the
 *     positions are then exact; false while running, so a crash is recognisable at the next start
 */
public record TunnelState(
        String padFingerprint,
        Role role,
        long txReservedUntil,
        long rxFloor,
        long erasedSlots,
        long padSlots,
        boolean cleanStop) {
    public static final String FORMAT = "psk-tunnel-state/1";

    public TunnelState {
        if (txReservedUntil < 0 || rxFloor < 0 || erasedSlots < 0 || padSlots < 0) {
            throw new IllegalArgumentException("state counters must be non-negative");
        }
    }

    public TunnelState withTx(long v) {
        return new TunnelState(padFingerprint, role, v, rxFloor, erasedSlots, padSlots, cleanStop);
    }

    public TunnelState withRx(long v) {
        return new TunnelState(padFingerprint, role, txReservedUntil, v, erasedSlots, padSlots, cleanStop);
    }

    public TunnelState withErased(long v) {
        return new TunnelState(padFingerprint, role, txReservedUntil, rxFloor, v, padSlots, cleanStop);
    }

    public TunnelState withCleanStop(boolean v) {
        return new TunnelState(padFingerprint, role, txReservedUntil, rxFloor, erasedSlots, padSlots, v);
    }
}
