package dev.psk.attest.tpm;

/**
 * TPMS_CLOCK_INFO (TPM 2.0 Part 2 §10.11.1). {@code clock} is milliseconds the TPM has been powered
 * since its clock was last set; {@code resetCount} counts TPM Resets (reboots), {@code restartCount}
 * TPM Restarts/Resumes since the last reset; {@code safe} is false when the clock may have gone
 * backwards. Counters are unsigned 32-bit, carried in longs. For keys outside the endorsement and
 * platform hierarchies the TPM obfuscates resetCount and restartCount (Part 1 §36.7).
 */
public record ClockInfo(long clock, long resetCount, long restartCount, boolean safe) {
    static ClockInfo unmarshal(TpmReader in) throws dev.psk.attest.TpmFormatException {
        long clock = in.u64("TPMS_CLOCK_INFO.clock");
        long reset = Integer.toUnsignedLong(in.u32("TPMS_CLOCK_INFO.resetCount"));
        long restart = Integer.toUnsignedLong(in.u32("TPMS_CLOCK_INFO.restartCount"));
        int safe = in.u8("TPMS_CLOCK_INFO.safe");
        if (safe > 1) {
            throw in.error("TPMS_CLOCK_INFO.safe", "is " + safe + ", expected 0 or 1");
        }
        return new ClockInfo(clock, reset, restart, safe == 1);
    }

    void marshal(TpmWriter out) {
        out.u64(clock).u32((int) resetCount).u32((int) restartCount).u8(safe ? 1 : 0);
    }
}
