package dev.psk.keygen;

import dev.psk.common.pad.PadLayout;

/**
 * How many packets a pad can key, by the seed's formula (slots x 1000 per direction, twice that in
 * both directions), and the same figures after psk-tunnel reserves the last slot as its control
 * slot ({@link PadLayout}).
 *
 * @param padBytes the pad file's size; bytes beyond the last whole slot are ignored
 */
public record PadCapacity(long padBytes) {
    public PadCapacity {
        if (padBytes < 0) {
            throw new IllegalArgumentException("pad size must not be negative, got " + padBytes);
        }
    }

    /** floor(size / 120). */
    public long slots() {
        return PadLayout.slotCount(padBytes);
    }

    /** Slots the tunnel may key data with: all but the control slot. */
    public long dataSlots() {
        return PadLayout.dataSlotCount(padBytes);
    }

    /** Seed formula: slots x 1000. */
    public long packetsPerDirection() {
        return PadLayout.packetsPerDirection(slots());
    }

    /** Seed formula: 2 x slots x 1000. */
    public long packetsBothDirections() {
        return Math.multiplyExact(2L, packetsPerDirection());
    }

    /** What psk-tunnel can actually send per direction: data slots x 1000. */
    public long dataPacketsPerDirection() {
        return PadLayout.packetsPerDirection(dataSlots());
    }

    /** Bytes after the last whole slot (a pad written by psk-keygen has none). */
    public long trailingBytes() {
        return padBytes - slots() * PadLayout.SLOT_BYTES;
    }
}
