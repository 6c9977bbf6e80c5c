package dev.psk.tunnel.hub;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.logging.Logger;

/**
 * The restarted hub's side of the recovery (docs/hub.md, "Recovery from a hub restart"): to every
 * client its state file says had a live session, a {@link RestartHint} at the client's last
 * endpoint, once at start and then every {@link #INTERVAL} until that client has handshaken with
 * this process, {@link #SENDS} times at most. Nothing a datagram says makes the hub send one: the
 * hints are a fixed, bounded burst per start (no reflection, no amplification).
 *
 * <p>Thread-safety: the hub's timer thread only.
 */
final class RestartHints {
    private static final Logger LOG = Logger.getLogger(RestartHints.class.getName());

    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final int SENDS = 5;

    /** Where a hint goes out (the device's control send; failures are counted there). */
    @FunctionalInterface
    interface Sender {
        void send(ByteBuffer datagram, InetSocketAddress to);
    }

    private static final class Target {
        final TimestampStore.Restored restored;
        byte[] hint;

        Target(TimestampStore.Restored restored) {
            this.restored = restored;
        }
    }

    private final List<Target> targets = new ArrayList<>();
    private final byte[] hubPublic;
    private int rounds;
    private long nextNanos;

    RestartHints(List<TimestampStore.Restored> restored, byte[] hubPublic) {
        for (TimestampStore.Restored r : restored) {
            targets.add(new Target(r));
        }
        this.hubPublic = hubPublic.clone();
    }

    /** Sends the hints due at {@code now} to clients that are still configured, enabled and silent. */
    void tick(long now, HubPolicy policy, Sender sender, HubCounters counters) {
        if (targets.isEmpty() || rounds >= SENDS || (rounds > 0 && now - nextNanos < 0)) {
            return;
        }
        rounds++;
        nextNanos = now + INTERVAL.toNanos();
        int sent = 0;
        for (Iterator<Target> it = targets.iterator(); it.hasNext(); ) {
            Target t = it.next();
            HubPolicy.Entry e = policy.byKey(t.restored.publicKey());
            if (e == null || !e.client().enabled() || e.state().session.latestHandshake() != null) {
                it.remove(); // gone, revoked, or already back
                continue;
            }
            if (t.hint == null) {
                byte[] psk = e.client().psk();
                try (RestartHint h = new RestartHint(psk, hubPublic, t.restored.publicKey())) {
                    t.hint = h.write(t.restored.timestamp());
                } finally {
                    Arrays.fill(psk, (byte) 0);
                }
            }
            sender.send(ByteBuffer.wrap(t.hint), t.restored.endpoint());
            counters.restartHintsSent.incrementAndGet();
            sent++;
        }
        if (rounds == SENDS) {
            targets.clear(); // the burst is over: nothing of it stays
        }
        if (rounds == 1 && sent > 0) {
            int n = sent;
            LOG.info(() -> "restart: told " + n + " client(s) with a session before the restart to handshake again");
        }
    }
}
