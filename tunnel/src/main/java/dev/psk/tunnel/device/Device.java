package dev.psk.tunnel.device;

import dev.psk.common.PskException;
import dev.psk.tunnel.crypto.AeadBackend;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.io.tun.TunDevice;
import dev.psk.tunnel.wire.Psk2Wire;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A running tunnel interface: one TUN device, one UDP socket, a receive thread ({@link ReceivePath})
 * and a send thread ({@link SendPath}), and the peers of a {@link PeerDirectory}. The same device
 * serves the seed's single peer and a hub's many peers; everything peer-specific (keys, sequence
 * numbers, replay window, counters, endpoint, data gate) lives in {@link Peer} and its
 * {@link PeerSession}.
 *
 * <p>Lifecycle: construct, {@link #start()}, {@link #close()} (idempotent): close stops both
 * threads by closing the TUN device and the socket, waits for them, then closes each session so it
 * persists its state. Listeners and the control handler are called on packet threads and must be
 * quick.
 */
public final class Device implements AutoCloseable {
    private static final Duration JOIN_LIMIT = Duration.ofSeconds(5);
    private static final long ERROR_LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

    private final TunDevice tun;
    private final UdpSocket socket;
    private final PeerDirectory peers;
    private final AeadBackend aeadBackend;
    private final Consumer<String> log;
    private final TrafficCounters counters = new TrafficCounters();
    private final List<Thread> threads = new ArrayList<>();
    private volatile ControlPacketHandler controlHandler;
    private volatile Consumer<Peer> exhaustionListener = p -> {};
    private volatile Consumer<String> failureListener = why -> {};
    private volatile String failure;
    private volatile boolean running;
    private volatile boolean closed;
    private volatile long lastErrorLogNanos = System.nanoTime() - ERROR_LOG_INTERVAL_NANOS;
    private String aeadName;

    /**
     * @param aeadBackend which implementation each packet thread gets (see {@link PacketAeads})
     * @param log operator messages (rate-limited transient errors, exhaustion)
     */
    public Device(TunDevice tun, UdpSocket socket, PeerDirectory peers, AeadBackend aeadBackend, Consumer<String> log) {
        this.tun = Objects.requireNonNull(tun);
        this.socket = Objects.requireNonNull(socket);
        this.peers = Objects.requireNonNull(peers);
        this.aeadBackend = aeadBackend;
        this.log = log;
    }

    /** Starts the packet threads. */
    public synchronized void start() {
        if (running || closed) {
            throw new IllegalStateException(closed ? "device closed" : "device already started");
        }
        running = true;
        var rxAead = PacketAeads.create(aeadBackend);
        var txAead = PacketAeads.create(aeadBackend);
        aeadName = txAead.name();
        threads.add(Thread.ofPlatform()
                .name("psk-rx-" + tun.name())
                .daemon(true)
                .start(new ReceivePath(this, socket.nativeSocket(), tun, peers, rxAead, Psk2Wire.BUFFER_BYTES)));
        threads.add(Thread.ofPlatform()
                .name("psk-tx-" + tun.name())
                .daemon(true)
                .start(new SendPath(this, socket.nativeSocket(), tun, peers, txAead)));
    }

    boolean running() {
        return running;
    }

    /** The AEAD implementation the packet threads use ("openssl" or "jce"), once started. */
    public String aeadName() {
        return aeadName;
    }

    public TunDevice tun() {
        return tun;
    }

    public UdpSocket socket() {
        return socket;
    }

    public PeerDirectory peers() {
        return peers;
    }

    /** Drops not attributable to a peer: unknown source, unhandled control datagram, no route. */
    public TrafficCounters counters() {
        return counters;
    }

    public ControlPacketHandler controlHandler() {
        return controlHandler;
    }

    /** Installs the handler for non-PSK2 datagrams (null: count and drop them). */
    public void setControlHandler(ControlPacketHandler handler) {
        this.controlHandler = handler;
    }

    /** Called (on the send thread) each time a peer's pad has no slot left to send with. */
    public void onPadExhausted(Consumer<Peer> listener) {
        this.exhaustionListener = listener == null ? p -> {} : listener;
    }

    /**
     * Called once (on a packet thread) when the device can no longer carry packets while running:
     * the TUN device or the socket ended under it, or TUN reads keep failing. The argument says why
     * in a few words; the owner should stop (a device that cannot move packets is not "up").
     */
    public void onFailure(Consumer<String> listener) {
        this.failureListener = listener == null ? why -> {} : listener;
    }

    /** Why the device failed while running, or null. */
    public String failure() {
        return failure;
    }

    /** Reports a fatal I/O condition once; ignored after {@link #close()} began (that is a stop, not a failure). */
    void failed(String why) {
        synchronized (this) {
            if (!running || failure != null) {
                return;
            }
            failure = why;
        }
        failureListener.accept(why);
    }

    /** Sends a control datagram (e.g. a handshake message), from any thread. */
    public void sendControl(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        socket.send(datagram, to);
    }

    void padExhausted(Peer peer) {
        exhaustionListener.accept(peer);
    }

    /** Logs at most one transient I/O error per interval, so a storm cannot flood the log. */
    void transientError(String what, Exception e) {
        long now = System.nanoTime();
        if (now - lastErrorLogNanos >= ERROR_LOG_INTERVAL_NANOS) {
            lastErrorLogNanos = now;
            log.accept(what + " failed: " + e.getMessage() + " (further errors suppressed for 10 s)");
        }
    }

    /**
     * Stops the threads, closes TUN and socket, then closes every session (persisting state).
     *
     * @throws PskException the first session that could not persist its state
     */
    @Override
    public void close() throws PskException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = false;
        }
        tun.close();
        socket.close();
        for (Thread t : threads) {
            try {
                if (!t.join(JOIN_LIMIT)) {
                    log.accept("thread " + t.getName() + " did not stop within " + JOIN_LIMIT.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        PskException first = null;
        for (Peer p : peers.peers()) {
            try {
                p.session().close();
            } catch (PskException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Stops the threads and socket without closing sessions, so their state files stay as a crash
     * would leave them: for crash tests only (the caller abandons the sessions).
     */
    public void haltForTesting() {
        closed = true;
        running = false;
        tun.close();
        socket.close();
        for (Thread t : threads) {
            try {
                t.join(JOIN_LIMIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
