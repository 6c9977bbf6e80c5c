package dev.psk.tunnel.handshake;

import dev.psk.common.Hex;
import dev.psk.tunnel.device.ControlPacketHandler;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the handshake for one tunnel peer beside the data plane (docs/protocol.md 3.5):
 * <ul>
 *   <li>installed as the device's {@link ControlPacketHandler}: datagrams whose magic is not "PSK2"
 *       are size-checked and copied into a bounded queue (full: dropped and counted), so the receive
 *       thread never waits for a token or a TPM;</li>
 *   <li>one worker thread owns the {@link Initiator} or {@link Responder} and is the only thread
 *       touching it;</li>
 *   <li>outcomes drive the data plane: the peer's data gate opens only after a completed handshake,
 *       the responder re-binds the peer endpoint to the address that completed it (roaming), a
 *       refusal closes the gate; every outcome is logged with fingerprints only.</li>
 * </ul>
 * The initiator re-handshakes every {@link #REHANDSHAKE_INTERVAL} (so a restarted responder
 * re-opens its gate) and retries a failed handshake after {@link #RETRY_AFTER_FAILURE}.
 */
public final class HandshakeService implements ControlPacketHandler, AutoCloseable {
    public static final Duration REHANDSHAKE_INTERVAL = Duration.ofSeconds(60);
    public static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);
    private static final int QUEUE_CAPACITY = 256;
    private static final long TICK_MILLIS = 100;

    private record Inbound(InetSocketAddress from, byte[] bytes) {}

    private final HandshakeConfig cfg;
    private final Peer peer;
    private final InetSocketAddress remote;
    private final Consumer<String> log;
    private final HandshakeCounters counters = new HandshakeCounters();
    private final ArrayBlockingQueue<Inbound> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private volatile Device device;
    /** Owned by the device's receive thread: forged datagrams are dropped there, before any copy or queue. */
    private HandshakeMac rxMac;

    private byte[] ourFp;
    private volatile Thread worker;
    private volatile boolean stopping;
    private volatile InetSocketAddress boundEndpoint;
    private volatile byte[] boundIdentity;
    private volatile Instant lastEstablished;
    private Initiator initiator;
    private Responder responder;
    private Instant nextStart;

    /**
     * @param remote the responder's address for an initiator; null for a responder
     * @param log operator log lines (already prefixed by the caller as it likes)
     */
    public HandshakeService(HandshakeConfig cfg, Peer peer, InetSocketAddress remote, Consumer<String> log) {
        this.cfg = cfg;
        this.peer = peer;
        this.remote = remote;
        this.log = log;
    }

    public boolean isInitiator() {
        return remote != null;
    }

    public HandshakeCounters counters() {
        return counters;
    }

    /** The (address, port) the last completed handshake bound, or null. */
    public InetSocketAddress boundEndpoint() {
        return boundEndpoint;
    }

    /** The peer identity_id the last completed handshake bound, or null. */
    public byte[] boundIdentity() {
        byte[] b = boundIdentity;
        return b == null ? null : b.clone();
    }

    public Instant lastEstablished() {
        return lastEstablished;
    }

    /** Installs this service as {@code device}'s control handler, closes the data gate and starts the worker. */
    public synchronized void start(Device device) {
        if (worker != null) {
            throw new IllegalStateException("handshake service already started");
        }
        this.device = device;
        this.rxMac = new HandshakeMac(cfg.keys());
        this.ourFp = cfg.keys().padFingerprint();
        peer.allowData(false);
        HandshakeTransport transport = this::send;
        HandshakeEvents events = new Outcomes();
        if (isInitiator()) {
            initiator = new Initiator(cfg, transport, events, counters);
        } else {
            responder = new Responder(cfg, transport, events, counters);
        }
        device.setControlHandler(this);
        worker = Thread.ofPlatform().name("psk-handshake").daemon(true).start(this::run);
    }

    @Override
    public void onControlPacket(ByteBuffer datagram, int len, InetSocketAddress source, Device dev) {
        if (len > HandshakeWire.MAX_DATAGRAM_BYTES || len < HandshakeWire.HEADER_BYTES) {
            counters.drop(len < HandshakeWire.HEADER_BYTES ? HandshakeDrop.TOO_SHORT : HandshakeDrop.TOO_LONG);
            return;
        }
        if (datagram.getInt(0) != HandshakeWire.MAGIC) {
            counters.drop(HandshakeDrop.BAD_MAGIC);
            return;
        }
        HandshakeDrop early = earlyCheck(datagram, len);
        if (early != null) {
            counters.drop(early);
            return;
        }
        byte[] copy = new byte[len];
        datagram.get(0, copy, 0, len);
        if (!queue.offer(new Inbound(source, copy))) {
            counters.drop(HandshakeDrop.QUEUE_FULL);
        }
    }

    /**
     * The cheap part of the responder's cost order, on the receive thread and without allocation:
     * a datagram whose MAC does not verify under the sender role's key is dropped here. HELLO and
     * WELCOME naming another pad, and PAD_MISMATCH notices, go on to the worker, which names the
     * mismatch (rate-limited); the worker re-validates everything.
     */
    private HandshakeDrop earlyCheck(ByteBuffer d, int len) {
        byte type = d.get(HandshakeWire.OFF_TYPE);
        byte role = d.get(HandshakeWire.OFF_ROLE);
        if (type == HandshakeWire.TYPE_PAD_MISMATCH) {
            return null;
        }
        if (role != HandshakeWire.ROLE_INITIATOR && role != HandshakeWire.ROLE_RESPONDER) {
            return HandshakeDrop.WRONG_ROLE;
        }
        int fpOff = type == HandshakeWire.TYPE_HELLO
                ? HandshakeWire.HELLO_OFF_PAD_FP
                : type == HandshakeWire.TYPE_WELCOME ? HandshakeWire.WELCOME_OFF_PAD_FP : -1;
        if (fpOff >= 0
                && len >= fpOff + HandshakeWire.PAD_FINGERPRINT_BYTES
                && !dev.psk.common.Secrets.equal(d, fpOff, ourFp, 0, HandshakeWire.PAD_FINGERPRINT_BYTES)) {
            return null;
        }
        return rxMac.verify(d, 0, len, role) ? null : HandshakeDrop.BAD_MAC;
    }

    private void run() {
        nextStart = cfg.clock().instant();
        while (!stopping) {
            try {
                Inbound in = queue.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
                if (in != null) {
                    if (isInitiator()) {
                        initiator.receive(in.from(), in.bytes(), in.bytes().length);
                    } else {
                        responder.receive(in.from(), in.bytes(), in.bytes().length);
                    }
                }
                tick();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.accept("handshake: internal error: " + e);
            }
        }
    }

    private void tick() {
        if (!isInitiator()) {
            responder.tick();
            return;
        }
        initiator.tick();
        Instant now = cfg.clock().instant();
        Initiator.State s = initiator.state();
        if (s == Initiator.State.IDLE || (s != Initiator.State.WAIT_WELCOME && !now.isBefore(nextStart))) {
            initiator.start(remote);
            nextStart = now.plus(REHANDSHAKE_INTERVAL);
        }
    }

    private void send(InetSocketAddress to, byte[] datagram) {
        try {
            device.sendControl(ByteBuffer.wrap(datagram), to);
        } catch (IOException e) {
            log.accept("handshake: sending to " + addr(to) + " failed: " + e.getMessage());
        }
    }

    /** "host:port" ("[v6]:port"), without InetSocketAddress's leading slash. */
    static String addr(InetSocketAddress a) {
        if (a == null) {
            return "?";
        }
        String h = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    private String who(InetSocketAddress a, byte[] id) {
        boolean none = id == null || java.util.Arrays.equals(id, new byte[id.length]);
        String name =
                none ? "" : cfg.trust().lookup(id).map(PeerTrust.Pin::name).orElse("");
        return addr(a) + (none ? "" : " identity " + Hex.encode(id)) + (name.isEmpty() ? "" : " (" + name + ")");
    }

    /** Outcome hooks, called on the worker thread. */
    private final class Outcomes implements HandshakeEvents {
        @Override
        public void established(InetSocketAddress from, byte[] id, String name) {
            InetSocketAddress before = boundEndpoint;
            if (!isInitiator()) {
                peer.rebind(from);
            }
            boundEndpoint = from;
            boundIdentity = id.clone();
            lastEstablished = cfg.clock().instant();
            peer.allowData(true);
            log.accept("handshake: established with " + who(from, id) + ", mode " + cfg.mode()
                    + (before != null && !before.equals(from) ? ", endpoint moved from " + addr(before) : ""));
        }

        @Override
        public void refusedPeer(InetSocketAddress from, byte[] id, Refusal reason) {
            log.accept("handshake: refused " + who(from, id) + ": " + reason.description());
            if (isInitiator()) {
                peer.allowData(false);
                nextStart = cfg.clock().instant().plus(RETRY_AFTER_FAILURE);
            }
        }

        @Override
        public void refusedByPeer(InetSocketAddress from, Refusal reason) {
            log.accept("handshake: peer " + addr(from) + " refused us: " + reason.description());
            if (isInitiator()) {
                peer.allowData(false);
                nextStart = cfg.clock().instant().plus(RETRY_AFTER_FAILURE);
            }
        }

        @Override
        public void padMismatch(InetSocketAddress from, byte[] theirs, byte[] ours) {
            log.accept("handshake: peer " + addr(from) + " uses a different pad (peer pad " + Hex.encode(theirs)
                    + ", ours " + Hex.encode(ours) + ")");
        }

        @Override
        public void failed(String reason) {
            log.accept("handshake: no handshake with " + addr(remote) + ": " + reason + "; retrying in "
                    + RETRY_AFTER_FAILURE.toSeconds() + " s");
            nextStart = cfg.clock().instant().plus(RETRY_AFTER_FAILURE);
        }
    }

    /** One line for logs and {@code show}: completions, refusals, pad mismatches, drops by reason. */
    public String summary() {
        StringBuilder b =
                new StringBuilder("handshake: ").append(counters.completed()).append(" completed");
        InetSocketAddress ep = boundEndpoint;
        if (ep != null) {
            b.append(", bound to ").append(who(ep, boundIdentity));
        }
        long refused = 0;
        for (Refusal r : Refusal.values()) {
            refused += counters.refusals(r);
        }
        b.append(", ")
                .append(refused)
                .append(" refused, ")
                .append(counters.padMismatches())
                .append(" pad mismatches, drops ");
        var drops = counters.dropSnapshot();
        if (drops.isEmpty()) {
            b.append("none");
        } else {
            StringBuilder d = new StringBuilder();
            drops.forEach((k, v) -> d.append(d.isEmpty() ? "" : " ")
                    .append(k.name().toLowerCase(java.util.Locale.ROOT))
                    .append('=')
                    .append(v));
            b.append(d);
        }
        return b.toString();
    }

    /** Stops the worker (logging {@link #summary()}); the device's control handler is removed. Idempotent. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        Device d = device;
        if (d != null && d.controlHandler() == this) {
            d.setControlHandler(null);
        }
        Thread t = worker;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.accept(summary());
    }
}
