package dev.psk.tunnel.session;

/**
 * Pad consumption of one tunnel end, for stats lines, {@code psk-tunnel show} and metrics.
 *
 * @param dataSlots slots usable for data (the control slot excluded)
 * @param txNext next TX sequence; TX has used slots {@code [0, txNext/1000]}
 * @param rxLowest lowest RX sequence still acceptable (restart floor, replay window)
 * @param rxHighest highest RX sequence accepted, or -1
 * @param erasedSlots slots already erased from the front
 * @param padWritable whether erasure is possible
 */
public record PadStatus(
        long dataSlots, long txNext, long rxLowest, long rxHighest, long erasedSlots, boolean padWritable) {
    /** TX slots used or in use. */
    public long txSlotsUsed() {
        return Math.min(dataSlots, txNext / 1000 + (txNext % 1000 == 0 ? 0 : 1));
    }

    public long txSlotsRemaining() {
        return Math.max(0, dataSlots - txSlotsUsed());
    }

    /** TX packets that can still be sent. */
    public long txPacketsRemaining() {
        return Math.max(0, dataSlots * 1000 - txNext);
    }

    /** Fraction of TX capacity left, 0..1. */
    public double txRemainingFraction() {
        return dataSlots == 0 ? 0 : (double) txPacketsRemaining() / (dataSlots * 1000.0);
    }
}
