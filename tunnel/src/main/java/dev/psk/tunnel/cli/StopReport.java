package dev.psk.tunnel.cli;

import dev.psk.common.IoErrors;
import dev.psk.common.PskException;
import dev.psk.common.cli.ExitCodes;
import dev.psk.common.log.LogSink;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.session.Psk2Session;

/**
 * Why a point-to-point end stopped, said once: each way it can end ({@link Outcome}) has one line
 * (starting "psk-tunnel: stopped") and one exit code, and refusing to start on a used-up pad has
 * its own. The daemon decides when to stop; this class words it (docs/deployment.md lists them).
 */
final class StopReport {
    private StopReport() {}

    /** How a run ended once it was up. */
    enum Outcome {
        /** A signal or a caller asked for it: exit 0. */
        STOPPED,
        /** The last packet the pad allows went out: {@link ExitCodes#PAD_EXHAUSTED}. */
        PAD_EXHAUSTED,
        /** The state file could not be written; nothing went beyond it: exit 1. */
        STATE_FAILURE,
        /** The TUN device or socket went away or keeps failing: exit 1. */
        DEVICE_FAILURE
    }

    /** Why the tunnel must stop now, or null while it can run on. */
    static Outcome ended(Device device, Psk2Session session) {
        if (session.stateFailure() != null) {
            return Outcome.STATE_FAILURE;
        }
        if (session.txExhausted()) {
            return Outcome.PAD_EXHAUSTED;
        }
        if (device.failure() != null) {
            return Outcome.DEVICE_FAILURE;
        }
        return null;
    }

    /** The refusal to start on a pad already used up for sending. */
    static int notStarted(PskTunnel opt, Psk2Session session, LogSink err) {
        err.error("not started: pad " + opt.psk + " is exhausted for sending (all "
                + session.padStatus().dataSlots() + " data slots used, state " + opt.state
                + "). Generate and distribute a new pad (psk-keygen generate).");
        return ExitCodes.PAD_EXHAUSTED;
    }

    /**
     * Prints the one line that says why the tunnel stopped and returns its exit code.
     *
     * @param stopReason what asked for a clean stop ("SIGTERM"), for {@link Outcome#STOPPED}
     * @param closeFailure the final state write's failure, or null
     */
    static int print(
            Outcome outcome,
            PskTunnel opt,
            String stopReason,
            Psk2Session session,
            Device device,
            PskException closeFailure,
            LogSink out,
            LogSink err) {
        Throwable stateFailure = session.stateFailure();
        if (outcome == Outcome.STATE_FAILURE || stateFailure != null) {
            err.error("stopped: state file " + opt.state + " cannot be written ("
                    + IoErrors.reason(stateFailure != null ? stateFailure : closeFailure)
                    + "); nothing was sent or accepted beyond what it records; " + opt.tun + " removed");
            return ExitCodes.FAILURE;
        }
        if (outcome == Outcome.PAD_EXHAUSTED) {
            err.error("stopped: pad " + opt.psk + " is exhausted for sending (all "
                    + session.padStatus().dataSlots() + " data slots used)"
                    + (closeFailure == null ? "; state saved" : "; " + closeFailure.getMessage())
                    + ". Generate and distribute a new pad (psk-keygen generate).");
            return ExitCodes.PAD_EXHAUSTED;
        }
        if (outcome == Outcome.DEVICE_FAILURE) {
            err.error("stopped: " + device.failure() + "; "
                    + (closeFailure == null ? "state saved to " + opt.state : closeFailure.getMessage()));
            return ExitCodes.FAILURE;
        }
        if (closeFailure != null) {
            err.error("stopped (" + stopReason + "), but " + closeFailure.getMessage());
            return ExitCodes.FAILURE;
        }
        out.info("stopped (" + stopReason + "); state saved to " + opt.state + ", " + opt.tun + " removed");
        return ExitCodes.OK;
    }
}
