package dev.psk.keygen;

import dev.psk.common.pad.PadLayout;

/**
 * How much of a pad a tunnel end has used, from its state file: per direction, the slots touched
 * ({@code ceil(sequence bound / 1000)}) and what remains of the data slots (the control slot is
 * never used for data).
 */
public record PadUsage(PadCapacity capacity, TunnelState state) {
    /** One direction's figures. */
    public record Direction(String name, long bound, long usedSlots, long remainingSlots, long remainingPackets) {}

    /**
     * @throws TunnelState.StateFileException when the state claims more than the pad holds
     */
    public static PadUsage of(PadCapacity capacity, TunnelState state, String what)
            throws TunnelState.StateFileException {
        long limit = capacity.dataPacketsPerDirection();
        check(state.txReservedUntil(), limit, "tx_reserved_until", what);
        check(state.rxFloor(), limit, "rx_floor", what);
        if (state.erasedSlots() > capacity.dataSlots()) {
            throw new TunnelState.StateFileException(what + ": field \"erased_slots\" is " + state.erasedSlots()
                    + ", beyond the pad's " + capacity.dataSlots() + " data slots (wrong pad or corrupt state)");
        }
        return new PadUsage(capacity, state);
    }

    private static void check(long value, long limit, String field, String what) throws TunnelState.StateFileException {
        if (value > limit) {
            throw new TunnelState.StateFileException(what + ": field \"" + field + "\" is " + value
                    + ", beyond the pad's " + limit + " packets per direction (wrong pad or corrupt state)");
        }
    }

    public Direction send() {
        return direction(state.initiator() ? "send A->B" : "send B->A", state.txReservedUntil());
    }

    public Direction receive() {
        return direction(state.initiator() ? "receive B->A" : "receive A->B", state.rxFloor());
    }

    private Direction direction(String name, long bound) {
        long used = Math.ceilDiv(bound, (long) PadLayout.PACKETS_PER_SLOT);
        return new Direction(
                name, bound, used, capacity.dataSlots() - used, capacity.dataPacketsPerDirection() - bound);
    }
}
