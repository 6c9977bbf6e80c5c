package dev.psk.keygen;

import dev.psk.common.pad.PadLayout;
import dev.psk.common.state.StateFileException;
import dev.psk.common.state.TunnelState;

/**
 * How much of a pad a tunnel end has used, from its state file: per direction, the slots touched
 * ({@code ceil(sequence bound / 1000)}) and what remains of the data slots (the control slot is
 * never used for data).
 *
 * <p>The bounds in a state file are reservations: near the end of a pad a running tunnel reserves
 * past the last packet, so a bound beyond the pad is valid and means the direction is exhausted
 * (psk-tunnel restarts from such a file; issue #17). Erased slots beyond the pad's data slots are
 * refused, as psk-tunnel refuses them.
 */
public record PadUsage(PadCapacity capacity, TunnelState state) {
    /** One direction's figures; {@code remainingPackets == 0} means exhausted. */
    public record Direction(String name, long bound, long usedSlots, long remainingSlots, long remainingPackets) {}

    /**
     * @throws StateFileException when the state records more erased slots than the pad has data
     *     slots (wrong pad or corrupt state); {@code what} names the state file
     */
    public static PadUsage of(PadCapacity capacity, TunnelState state, String what) throws StateFileException {
        if (state.erasedSlots() > capacity.dataSlots()) {
            throw new StateFileException(
                    what,
                    "field \"erased_slots\" is " + state.erasedSlots() + ", beyond the pad's " + capacity.dataSlots()
                            + " data slots (wrong pad or corrupt state)");
        }
        return new PadUsage(capacity, state);
    }

    public Direction send() {
        return direction(state.initiator() ? "send A->B" : "send B->A", state.txReservedUntil());
    }

    public Direction receive() {
        return direction(state.initiator() ? "receive B->A" : "receive A->B", state.rxFloor());
    }

    private Direction direction(String name, long bound) {
        long used = Math.min(Math.ceilDiv(bound, (long) PadLayout.PACKETS_PER_SLOT), capacity.dataSlots());
        return new Direction(
                name,
                bound,
                used,
                capacity.dataSlots() - used,
                Math.max(0, capacity.dataPacketsPerDirection() - bound));
    }
}
