package dev.psk.tunnel.hub;

import dev.psk.common.PskException;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.crypto.X25519PublicKey;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.TrafficCounters;
import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.io.tun.TunDevice;
import dev.psk.tunnel.noise.NoiseException;
import dev.psk.tunnel.noise.NoiseLimits;
import dev.psk.tunnel.ratelimit.RateLimiter;
import dev.psk.tunnel.wire.Psk2Wire;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The hub: a {@link Device} (the same runtime as the point-to-point tunnel: one UDP socket, one TUN
 * device, its receive and send threads) whose peers are the configured clients ({@link HubPeers},
 * one {@link NoisePeerSession} each), plus the handshake side: message 1 arrives through the
 * device's control handler, cheap checks run there, the Noise work on handshake workers fed by a
 * bounded queue, and a timer sweeps expired keypairs and rate-limiter tables.
 *
 * <p>Order of checks for message 1 (WireGuard's): size and header, mac1 (one HMAC, no DH); under
 * load, mac2 or else a cookie reply, then the per-source rate (charged only to sources that proved
 * their address); queue room; then on a worker the Noise read with the client lookup after one DH,
 * the timestamp, and only then the per-key rate. {@link #reload} applies a new configuration at once: keypairs of removed,
 * disabled or re-keyed clients are wiped and leave the receiver-index table, and their addresses
 * leave the AllowedIPs table, before it returns.
 */
public final class HubServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HubServer.class.getName());

    /** Tunables with safe defaults; tests shorten or force some. */
    public record Options(
            int handshakeWorkers,
            int underLoadQueueDepth,
            boolean alwaysUnderLoad,
            int sourceInitiationsPerSecond,
            int sourceBurst,
            int maxQueuedHandshakes) {
        /** Per-source limits: generous enough for a NAT with a few dozen clients behind it. */
        public static final int SOURCE_INITIATIONS_PER_SECOND = 100;

        public static final int SOURCE_BURST = 20;

        public Options(
                int handshakeWorkers,
                int underLoadQueueDepth,
                boolean alwaysUnderLoad,
                int sourceInitiationsPerSecond,
                int sourceBurst) {
            this(
                    handshakeWorkers,
                    underLoadQueueDepth,
                    alwaysUnderLoad,
                    sourceInitiationsPerSecond,
                    sourceBurst,
                    NoiseLimits.MAX_QUEUED_HANDSHAKES);
        }

        public static Options defaults() {
            return new Options(
                    Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                    NoiseLimits.UNDER_LOAD_QUEUE_DEPTH,
                    false,
                    SOURCE_INITIATIONS_PER_SECOND,
                    SOURCE_BURST);
        }
    }

    private record Job(byte[] msg, int n, InetSocketAddress source) {}

    private final Device device;
    private final UdpSocket socket;
    private final Options options;
    private final LongSupplier clock;
    private final HubCounters counters = new HubCounters();
    private final SessionTable table = new SessionTable(NoiseLimits.MAX_SESSIONS);
    private final Map<ByteBuffer, ClientState> states = new ConcurrentHashMap<>();
    private final TimestampStore timestamps = new TimestampStore();
    private volatile List<Peer> peers = List.of();
    private final RateLimiter<InetAddress> perSource;
    private final RateLimiter<ByteBuffer> perKey;
    private final ArrayBlockingQueue<Job> queue;
    private final CookieChecker cookies;
    private final HubResponder responder;
    private final byte[] hubPublic;
    /** Receive-thread scratch for control datagrams (the device's buffer is reused). */
    private final byte[] control = new byte[HubWire.MAX_DATAGRAM_BYTES];

    private final byte[] reply = new byte[HubWire.COOKIE_REPLY_BYTES];
    private volatile HubPolicy policy;
    private RestartHints restartHints;
    private volatile long underLoadUntil;
    private volatile boolean closed;
    private final List<Thread> threads = new ArrayList<>();

    public HubServer(HubConfig config, TunDevice tun, UdpSocket socket, Options options, LongSupplier clock)
            throws NoiseException {
        this.socket = socket;
        this.options = options;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(options.maxQueuedHandshakes());
        X25519PrivateKey hubKey = X25519PrivateKey.takeOwnership(config.privateKey());
        this.hubPublic = X25519.publicKey(hubKey).bytes();
        this.policy = new HubPolicy(config, states, this::newClient);
        this.underLoadUntil = clock.getAsLong() - 1;
        this.perSource = new RateLimiter<>(
                options.sourceInitiationsPerSecond(),
                options.sourceBurst(),
                NoiseLimits.MAX_RATE_LIMITER_ENTRIES,
                clock);
        this.perKey = new RateLimiter<>(
                NoiseLimits.INITIATIONS_PER_SECOND,
                NoiseLimits.INITIATIONS_BURST,
                NoiseLimits.MAX_RATE_LIMITER_ENTRIES,
                clock);
        this.cookies = new CookieChecker(hubPublic, clock);
        this.responder = new HubResponder(hubKey, X25519PublicKey.fromBytes(hubPublic), () -> policy, table, perKey);
        this.device = new Device(
                tun,
                socket,
                new HubPeers(table, () -> policy, () -> peers, counters.forwarded),
                PacketAeads.AUTO,
                LOG::warning);
        device.setControlHandler((datagram, len, source, dev) -> onControl(datagram, len, source));
        counters.attach(device.counters(), this::trafficCounters);
    }

    /** The runtime state of a newly configured client key: its peer on the device and its session. */
    private ClientState newClient(AllowedClient client) {
        ClientState[] self = new ClientState[1];
        NoisePeerSession session = new NoisePeerSession(
                true,
                table,
                (buf, start, len) -> {
                    HubPolicy.Entry from = policy.allowedIps.lookup(
                            buf, AllowedIps.sourceOffset(buf, start, len), AllowedIps.isIpv4(buf, start));
                    return from != null && from.state() == self[0];
                },
                this::end,
                clock);
        ClientState st = new ClientState(client.name(), client.publicKey(), session, timestamps);
        self[0] = st;
        List<Peer> next = new ArrayList<>(peers);
        next.add(st.peer);
        peers = List.copyOf(next);
        return st;
    }

    private List<TrafficCounters> trafficCounters() {
        List<TrafficCounters> all = new ArrayList<>();
        all.add(device.counters());
        for (Peer p : peers) {
            all.add(p.counters());
        }
        return all;
    }

    /** Binds the UDP socket on the configured address and port. */
    public static UdpSocket bind(HubConfig config) throws IOException {
        return UdpSocket.bind(
                new InetSocketAddress(InetAddress.getByName(config.listenAddress()), config.listenPort()),
                Psk2Wire.SOCKET_BUFFER_BYTES);
    }

    /**
     * Keeps the newest accepted timestamp of every client in {@code file} across restarts (see
     * {@link TimestampStore} for the write-behind window). Call before {@link #start}.
     *
     * @throws IOException when the file exists but cannot be read or is malformed
     */
    public void persistTimestamps(java.nio.file.Path file) throws IOException {
        timestamps.persistTo(file);
        timestamps.flush();
    }

    /** Clients whose runtime state the hub holds (configured ones, enabled or not). */
    public int clientStates() {
        return states.size();
    }

    /** The runtime state of a configured client key, or null: tests inspect its cached secrets. */
    ClientState clientStateForTesting(byte[] publicKey) {
        return states.get(java.nio.ByteBuffer.wrap(publicKey));
    }

    public void start() {
        restartHints = new RestartHints(timestamps.restored(), hubPublic);
        device.start();
        for (int i = 0; i < options.handshakeWorkers(); i++) {
            threads.add(Thread.ofPlatform().name("hub-handshake-" + i).daemon().start(this::handshakeLoop));
        }
        threads.add(Thread.ofPlatform().name("hub-timer").daemon().start(this::timerLoop));
        LOG.info(() -> "hub " + AllowedClient.fingerprint(hubPublic) + " serving "
                + policy.config.clients().size() + " clients (AEAD " + device.aeadName() + ")");
    }

    /** The shared runtime carrying the hub's data plane. */
    public Device device() {
        return device;
    }

    /** One configured client as show and metrics see it. */
    public record ClientActivity(
            String name,
            String fingerprint,
            boolean enabled,
            java.time.Instant latestHandshake,
            java.time.Instant lastPacket,
            long rxBytes,
            long txBytes) {}

    /** Every configured client, in configuration order. */
    public List<ClientActivity> clientActivity() {
        HubPolicy p = policy;
        List<ClientActivity> out = new ArrayList<>(p.config.clients().size());
        for (AllowedClient c : p.config.clients()) {
            HubPolicy.Entry e = p.byKey(c.publicKey());
            if (e == null) {
                continue;
            }
            NoisePeerSession s = e.state().session;
            TrafficCounters t = e.state().peer.counters();
            out.add(new ClientActivity(
                    c.name(),
                    e.state().fingerprint,
                    c.enabled(),
                    s.latestHandshake(),
                    s.lastPacket(),
                    t.rxBytes(),
                    t.txBytes()));
        }
        return out;
    }

    public HubCounters counters() {
        return counters;
    }

    public int sessionCount() {
        return table.size();
    }

    public HubConfig config() {
        return policy.config;
    }

    public InetSocketAddress localAddress() throws IOException {
        return socket.localAddress();
    }

    /**
     * Applies {@code next}: clients removed, disabled, or whose PSK, key or identity pin changed lose
     * every keypair now; the others keep theirs. The hub's own key and socket cannot change here.
     */
    public synchronized void reload(HubConfig next) throws ConfigException {
        if (!Arrays.equals(next.publicKey(), hubPublic)) {
            throw new ConfigException("restart needed to change ServerX25519PrivateKey (the hub's identity):"
                    + " a running hub keeps its key");
        }
        HubPolicy old = policy;
        HubPolicy fresh = new HubPolicy(next, states, this::newClient);
        policy = fresh;
        int ended = 0;
        for (ClientState st : states.values()) {
            HubPolicy.Entry now = fresh.byKey(st.publicKey);
            HubPolicy.Entry before = old.byKey(st.publicKey);
            boolean keep = now != null && before != null && now.client().sameCredentials(before.client());
            if (!keep) {
                for (Session s : st.session.clear()) {
                    end(s);
                    ended++;
                }
            }
        }
        // Clients no longer configured: their state goes (peer, session); their newest timestamp
        // stays in the store so their old message 1s are refused if they come back.
        List<Peer> kept = new ArrayList<>(peers);
        for (var it = states.entrySet().iterator(); it.hasNext(); ) {
            ClientState st = it.next().getValue();
            if (fresh.byKey(st.publicKey) == null) {
                it.remove();
                kept.remove(st.peer);
                for (Session s : st.session.clear()) {
                    end(s);
                }
                st.session.close();
                st.close();
            }
        }
        peers = List.copyOf(kept);
        int n = ended;
        LOG.info(() -> "configuration reloaded: " + next.clients().size() + " clients, " + n + " sessions ended");
    }

    private void end(Session s) {
        s.kill();
        table.remove(s);
        counters.sessionsEnded.incrementAndGet();
    }

    /** Device receive thread: every datagram that is not a transport message. Never throws, never keeps {@code datagram}. */
    private void onControl(ByteBuffer datagram, int n, InetSocketAddress src) {
        if (n > HubWire.MAX_DATAGRAM_BYTES) {
            counters.drop(HubDropReason.TOO_LONG);
            return;
        }
        if (n < HubWire.HEADER_BYTES) {
            counters.drop(HubDropReason.TOO_SHORT);
            return;
        }
        datagram.get(0, control, 0, n);
        if (control[0] == HubWire.TYPE_INITIATION) {
            onInitiation(control, n, src);
        } else {
            counters.drop(HubDropReason.BAD_TYPE);
        }
    }

    private void onInitiation(byte[] buf, int n, InetSocketAddress src) {
        if (n < HubWire.INITIATION_MIN_BYTES) {
            counters.drop(HubDropReason.TOO_SHORT);
            return;
        }
        if (n > HubWire.INITIATION_MAX_BYTES) {
            counters.drop(HubDropReason.TOO_LONG);
            return;
        }
        if (!HubWire.hasHeader(buf, n, HubWire.TYPE_INITIATION)) {
            counters.drop(HubDropReason.BAD_TYPE);
            return;
        }
        if (!cookies.checkMac1(buf, n)) {
            counters.drop(HubDropReason.BAD_MAC1);
            return;
        }
        long now = clock.getAsLong();
        if (queue.size() >= options.underLoadQueueDepth()) {
            underLoadUntil = now + NoiseLimits.UNDER_LOAD_AFTER.toNanos();
        }
        boolean underLoad = options.alwaysUnderLoad() || now - underLoadUntil < 0;
        // WireGuard's order. Not under load: every mac1-valid message 1 is queued. Under load: it
        // must prove its source address with mac2 before it costs a DH, else the answer is a cookie
        // reply (smaller than message 1, so no amplification); only then is the source's rate
        // charged, so a flood without mac2 from a client's address (spoofed, or a NAT) never
        // spends the budget of the client that holds a valid cookie.
        if (underLoad) {
            if (!cookies.checkMac2(buf, n, src)) {
                int len =
                        cookies.writeCookieReply(buf, n, HubWire.getIntLE(buf, HubWire.INIT_SENDER_OFFSET), src, reply);
                send(ByteBuffer.wrap(reply, 0, len), src);
                counters.drop(HubDropReason.COOKIE_SENT);
                return;
            }
            if (!perSource.allow(src.getAddress())) {
                counters.drop(HubDropReason.RATE_LIMITED_SOURCE);
                return;
            }
        }
        if (!queue.offer(new Job(Arrays.copyOf(buf, n), n, src))) {
            counters.drop(HubDropReason.HANDSHAKE_QUEUE_FULL);
        }
    }

    private void handshakeLoop() {
        while (!closed) {
            Job job;
            try {
                job = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                continue;
            }
            HubResponder.Outcome o = responder.respond(job.msg(), job.n(), job.source(), clock.getAsLong());
            if (o.refused() != null) {
                counters.drop(o.refused());
                continue;
            }
            o.state().session.install(o.session());
            table.put(o.session());
            // The policy may have changed while we worked: a keypair made with credentials that a
            // reload has since revoked or replaced (disabled, removed, new PSK or pin) dies here.
            HubPolicy.Entry still = policy.byKey(o.state().publicKey);
            if (still == null || !still.client().sameCredentials(o.client())) {
                o.state().session.forget(o.session());
                end(o.session());
                counters.drop(HubDropReason.DISABLED_KEY);
                continue;
            }
            send(ByteBuffer.wrap(o.response()), job.source());
            counters.handshakesCompleted.incrementAndGet();
            LOG.fine(() -> "handshake completed with client " + o.state().label());
        }
    }

    private void send(ByteBuffer b, InetSocketAddress to) {
        try {
            device.sendControl(b, to);
        } catch (IOException e) {
            counters.drop(HubDropReason.SEND_FAILED);
        }
    }

    private void timerLoop() {
        while (!closed) {
            try {
                Thread.sleep(NoiseLimits.TIMER_TICK);
            } catch (InterruptedException e) {
                return;
            }
            long now = clock.getAsLong();
            for (Session s : table.all()) {
                if (!s.usable(now)) {
                    NoisePeerSession owner = s.owner;
                    if (owner != null) {
                        owner.forget(s);
                    }
                    end(s);
                }
            }
            perSource.sweep();
            perKey.sweep();
            restartHints.tick(now, policy, this::send, counters);
            for (ClientState st : states.values()) {
                st.saveEndpoint();
            }
            flushTimestamps();
        }
    }

    private void flushTimestamps() {
        try {
            timestamps.flush();
        } catch (IOException e) {
            if (FLUSH_LOG.allow(Boolean.TRUE)) {
                LOG.warning(() -> "cannot save handshake timestamps (" + e.getMessage()
                        + "): replay protection across a restart is degraded until this succeeds");
            }
        }
    }

    private static final RateLimiter<Boolean> FLUSH_LOG = new RateLimiter<>(1, 1, 1, System::nanoTime);

    /** Stops the handshake threads and the device (TUN and socket closed, every keypair wiped). */
    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            t.interrupt();
        }
        try {
            device.close();
        } catch (PskException e) {
            LOG.warning(() -> "closing the hub: " + e.getMessage());
        }
        for (Session s : table.all()) {
            end(s);
        }
        responder.close();
        for (ClientState st : states.values()) {
            st.close();
        }
        flushTimestamps();
    }
}
