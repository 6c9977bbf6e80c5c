package dev.psk.tunnel.wire;

/**
 * Which end of the tunnel this is. The initiator sends direction 0 with the slots' A->B fields and
 * receives direction 1 (B->A fields); the responder the opposite.
 */
public enum Role {
    INITIATOR(Psk2Wire.DIRECTION_INITIATOR_TO_RESPONDER),
    RESPONDER(Psk2Wire.DIRECTION_RESPONDER_TO_INITIATOR);

    private final int txDirection;

    Role(int txDirection) {
        this.txDirection = txDirection;
    }

    /** The direction byte this end writes. */
    public int txDirection() {
        return txDirection;
    }

    /** The direction byte this end accepts. */
    public int rxDirection() {
        return 1 - txDirection;
    }

    /** "initiator" or "responder", as written in the state file. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Role fromLabel(String label) {
        for (Role r : values()) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("role must be \"initiator\" or \"responder\", not \"" + label + "\"");
    }
}
