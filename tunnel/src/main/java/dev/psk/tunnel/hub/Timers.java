package dev.psk.tunnel.hub;

import dev.psk.tunnel.noise.NoiseLimits;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client's protocol timers as named hooks (after WireGuard's timers.c): the I/O paths report
 * events ({@code on...}), and {@link #due} says which timer has expired. One place decides when
 * to retransmit, rekey, send a keepalive or give up, so the send and receive paths stay free of
 * time arithmetic.
 *
 * <p>Thread-safety: synchronized.
 */
public final class Timers {
    /** The durations used (defaults from {@link NoiseLimits}; tests shorten them). */
    public record Settings(
            Duration rekeyTimeout,
            Duration rekeyAttemptTime,
            Duration rekeyAfterTime,
            Duration keepaliveTimeout,
            Duration persistentKeepalive) {
        public static Settings defaults(int persistentKeepaliveSeconds) {
            return new Settings(
                    NoiseLimits.REKEY_TIMEOUT,
                    NoiseLimits.REKEY_ATTEMPT_TIME,
                    NoiseLimits.REKEY_AFTER_TIME,
                    NoiseLimits.KEEPALIVE_TIMEOUT,
                    Duration.ofSeconds(persistentKeepaliveSeconds));
        }
    }

    /** What the owner must do now. */
    public enum Action {
        NONE,
        SEND_INITIATION,
        GIVE_UP,
        SEND_KEEPALIVE
    }

    private final Settings settings;
    private long initiationSentNanos;
    private long firstAttemptNanos;
    private boolean handshakePending;
    private long jitterNanos;
    private long sessionBornNanos;
    private boolean haveSession;
    private long lastAnySentNanos;
    private boolean awaitingReply;
    private long awaitingSinceNanos;

    public Timers(Settings settings) {
        this.settings = settings;
    }

    public synchronized void onHandshakeInitiated(long now) {
        if (!handshakePending) {
            firstAttemptNanos = now;
        }
        handshakePending = true;
        initiationSentNanos = now;
        lastAnySentNanos = now;
        jitterNanos = ThreadLocalRandom.current().nextLong(NoiseLimits.REKEY_TIMEOUT_JITTER.toNanos() + 1);
    }

    public synchronized void onHandshakeComplete(long now) {
        handshakePending = false;
        haveSession = true;
        sessionBornNanos = now;
        awaitingReply = false;
    }

    public synchronized void onSessionLost() {
        haveSession = false;
    }

    public synchronized void onDataSent(long now) {
        lastAnySentNanos = now;
        if (!awaitingReply) {
            awaitingReply = true;
            awaitingSinceNanos = now;
        }
    }

    public synchronized void onKeepaliveSent(long now) {
        lastAnySentNanos = now;
    }

    public synchronized void onDataReceived(long now) {
        awaitingReply = false;
    }

    /** How long a handshake is attempted before giving up, in whole seconds (for messages). */
    public long attemptSeconds() {
        return settings.rekeyAttemptTime().toSeconds();
    }

    public synchronized boolean handshakePending() {
        return handshakePending;
    }

    /** The timer that expired at {@code now}, if any. */
    public synchronized Action due(long now) {
        if (handshakePending) {
            if (now - firstAttemptNanos >= settings.rekeyAttemptTime().toNanos()) {
                handshakePending = false;
                return Action.GIVE_UP;
            }
            if (now - initiationSentNanos >= settings.rekeyTimeout().toNanos() + jitterNanos) {
                return Action.SEND_INITIATION;
            }
            return Action.NONE;
        }
        if (!haveSession) {
            return Action.SEND_INITIATION;
        }
        if (now - sessionBornNanos >= settings.rekeyAfterTime().toNanos()) {
            return Action.SEND_INITIATION;
        }
        // Data went out and nothing came back for KEEPALIVE_TIMEOUT + REKEY_TIMEOUT: the hub may
        // have dropped our session (revocation, restart); try a fresh handshake.
        if (awaitingReply
                && now - awaitingSinceNanos
                        >= settings.keepaliveTimeout()
                                .plus(settings.rekeyTimeout())
                                .toNanos()) {
            awaitingReply = false;
            return Action.SEND_INITIATION;
        }
        long ka = settings.persistentKeepalive().toNanos();
        if (ka > 0 && now - lastAnySentNanos >= ka) {
            return Action.SEND_KEEPALIVE;
        }
        return Action.NONE;
    }
}
