package dev.psk.tunnel.hub;

import dev.psk.tunnel.io.TunDevice;
import dev.psk.tunnel.noise.Dh25519;
import dev.psk.tunnel.noise.NoiseException;
import dev.psk.tunnel.noise.NoiseLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
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
 * The hub: one UDP socket, one TUN device, many clients. Threads: a receiver (cheap checks of every
 * datagram, transport decryption, AllowedIPs on ingress), handshake workers fed by a bounded
 * queue, a TUN reader (AllowedIPs on egress picks the client), and a timer sweeping expired
 * sessions and rate-limiter tables.
 *
 * <p>Order of checks for message 1: size and header, mac1 (one HMAC, no DH), per-source rate; under
 * load or over the rate, mac2 or else a cookie reply; queue room; then on a worker the Noise read with the client
 * lookup after one DH. {@link #reload} applies a new configuration at once: sessions of removed,
 * disabled or re-keyed clients end before it returns.
 */
public final class HubServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HubServer.class.getName());

    /** Tunables with safe defaults; tests shorten or force some. */
    public record Options(int handshakeWorkers, int underLoadQueueDepth, boolean alwaysUnderLoad,
            int sourceInitiationsPerSecond, int sourceBurst, int maxQueuedHandshakes) {
        /** Per-source limits: generous enough for a NAT with a few dozen clients behind it. */
        public static final int SOURCE_INITIATIONS_PER_SECOND = 100;
        public static final int SOURCE_BURST = 20;

        public Options(int handshakeWorkers, int underLoadQueueDepth, boolean alwaysUnderLoad,
                int sourceInitiationsPerSecond, int sourceBurst) {
            this(handshakeWorkers, underLoadQueueDepth, alwaysUnderLoad, sourceInitiationsPerSecond, sourceBurst,
                    NoiseLimits.MAX_QUEUED_HANDSHAKES);
        }

        public static Options defaults() {
            return new Options(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                    NoiseLimits.UNDER_LOAD_QUEUE_DEPTH, false, SOURCE_INITIATIONS_PER_SECOND, SOURCE_BURST);
        }
    }

    private record Job(byte[] msg, int n, InetSocketAddress source) {}

    private final DatagramChannel channel;
    private final TunDevice tun;
    private final Options options;
    private final LongSupplier clock;
    private final HubCounters counters = new HubCounters();
    private final SessionTable table = new SessionTable(NoiseLimits.MAX_SESSIONS);
    private final Map<ByteBuffer, ClientState> states = new ConcurrentHashMap<>();
    private final RateLimiter<InetAddress> perSource;
    private final RateLimiter<ByteBuffer> perKey;
    private final ArrayBlockingQueue<Job> queue;
    private final CookieChecker cookies;
    private final HubResponder responder;
    private final byte[] hubPublic;
    private volatile HubPolicy policy;
    private volatile long underLoadUntil;
    private volatile boolean closed;
    private final List<Thread> threads = new ArrayList<>();

    public HubServer(HubConfig config, TunDevice tun, DatagramChannel channel, Options options, LongSupplier clock)
            throws NoiseException {
        this.channel = channel;
        this.tun = tun;
        this.options = options;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(options.maxQueuedHandshakes());
        byte[] priv = config.privateKey();
        this.hubPublic = Dh25519.publicFromPrivate(priv);
        this.policy = new HubPolicy(config, states);
        this.underLoadUntil = clock.getAsLong() - 1;
        this.perSource = new RateLimiter<>(options.sourceInitiationsPerSecond(), options.sourceBurst(),
                NoiseLimits.MAX_RATE_LIMITER_ENTRIES, clock);
        this.perKey = new RateLimiter<>(NoiseLimits.INITIATIONS_PER_SECOND, NoiseLimits.INITIATIONS_BURST,
                NoiseLimits.MAX_RATE_LIMITER_ENTRIES, clock);
        this.cookies = new CookieChecker(hubPublic, clock);
        this.responder = new HubResponder(priv, hubPublic, () -> policy, table, perKey);
        Arrays.fill(priv, (byte) 0);
    }

    /** Binds a UDP socket on the configured address and port. */
    public static DatagramChannel bind(HubConfig config) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.bind(new InetSocketAddress(InetAddress.getByName(config.listenAddress()), config.listenPort()));
        return ch;
    }

    public void start() {
        threads.add(Thread.ofPlatform().name("hub-rx").daemon().start(this::receiveLoop));
        for (int i = 0; i < options.handshakeWorkers(); i++) {
            threads.add(Thread.ofPlatform().name("hub-handshake-" + i).daemon().start(this::handshakeLoop));
        }
        threads.add(Thread.ofPlatform().name("hub-tun").daemon().start(this::tunLoop));
        threads.add(Thread.ofPlatform().name("hub-timer").daemon().start(this::timerLoop));
        LOG.info(() -> "hub " + AllowedClient.fingerprint(hubPublic) + " serving " + policy.config.clients().size() + " clients");
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

    public SocketAddress localAddress() throws IOException {
        return channel.getLocalAddress();
    }

    /**
     * Applies {@code next}: clients removed, disabled, or whose PSK, key or identity pin changed lose
     * every session now; the others keep theirs. The hub's own key and socket cannot change here.
     */
    public synchronized void reload(HubConfig next) throws ConfigException {
        if (!Arrays.equals(next.publicKey(), hubPublic)) {
            throw new ConfigException("reload: ServerX25519PrivateKey changed: restart the hub to change its key");
        }
        HubPolicy old = policy;
        HubPolicy fresh = new HubPolicy(next, states);
        policy = fresh;
        int ended = 0;
        for (Map.Entry<ByteBuffer, ClientState> e : states.entrySet()) {
            HubPolicy.Entry now = fresh.byKey(e.getValue().publicKey);
            HubPolicy.Entry before = old.byKey(e.getValue().publicKey);
            boolean keep = now != null && before != null && now.client().sameCredentials(before.client());
            if (!keep) {
                for (Session s : e.getValue().clear()) {
                    end(s);
                    ended++;
                }
            }
        }
        int n = ended;
        LOG.info(() -> "configuration reloaded: " + next.clients().size() + " clients, " + n + " sessions ended");
    }

    private void end(Session s) {
        s.kill();
        table.remove(s);
        counters.sessionsEnded.incrementAndGet();
    }

    private void receiveLoop() {
        byte[] buf = new byte[HubWire.MAX_DATAGRAM_BYTES + 1];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        byte[] reply = new byte[HubWire.COOKIE_REPLY_BYTES];
        TransportPath path = new TransportPath(table);
        ByteBuffer view = ByteBuffer.wrap(buf);
        while (!closed) {
            bb.clear();
            InetSocketAddress src;
            try {
                src = (InetSocketAddress) channel.receive(bb);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            int n = bb.position();
            if (n > HubWire.MAX_DATAGRAM_BYTES) {
                counters.drop(HubDropReason.TOO_LONG);
                continue;
            }
            if (n < HubWire.HEADER_BYTES) {
                counters.drop(HubDropReason.TOO_SHORT);
                continue;
            }
            switch (buf[0]) {
                case HubWire.TYPE_INITIATION -> onInitiation(buf, n, src, reply);
                case HubWire.TYPE_TRANSPORT -> onTransport(path, buf, view, n, src);
                default -> counters.drop(HubDropReason.BAD_TYPE);
            }
        }
    }

    private void onInitiation(byte[] buf, int n, InetSocketAddress src, byte[] reply) {
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
        boolean withinRate = perSource.allow(src.getAddress());
        // Under load, or from a source over its rate, a message 1 must prove its source address
        // with mac2 before it costs a DH; without it the answer is a cookie reply (smaller than
        // message 1, so no amplification). With a valid mac2, a source over its rate is dropped.
        if (underLoad || !withinRate) {
            if (!cookies.checkMac2(buf, n, src)) {
                int len = cookies.writeCookieReply(buf, n, HubWire.getIntLE(buf, HubWire.INIT_SENDER_OFFSET), src, reply);
                send(ByteBuffer.wrap(reply, 0, len), src);
                counters.drop(HubDropReason.COOKIE_SENT);
                return;
            }
            if (!withinRate) {
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
            table.put(o.session());
            for (Session retired : o.state().add(o.session())) {
                end(retired);
            }
            // The policy may have changed while we worked: a session made with credentials that a
            // reload has since revoked or replaced (disabled, removed, new PSK or pin) dies here.
            HubPolicy.Entry still = policy.byKey(o.state().publicKey);
            if (still == null || !still.client().sameCredentials(o.client())) {
                o.state().forget(o.session());
                end(o.session());
                counters.drop(HubDropReason.DISABLED_KEY);
                continue;
            }
            send(ByteBuffer.wrap(o.response()), job.source());
            counters.handshakesCompleted.incrementAndGet();
            LOG.fine(() -> "handshake completed with client " + o.state().fingerprint);
        }
    }

    private void onTransport(TransportPath path, byte[] buf, ByteBuffer view, int n, InetSocketAddress src) {
        long now = clock.getAsLong();
        int p = path.open(buf, view, n, now);
        if (p < 0) {
            counters.drop(path.reason());
            return;
        }
        Session s = path.session();
        s.endpoint = src;
        HubPolicy pol = policy;
        HubPolicy.Entry owner = pol.byKey(s.peerKey);
        if (owner == null || !owner.client().enabled()) {
            counters.drop(HubDropReason.DISABLED_KEY);
            return;
        }
        Session retired = owner.state().confirm(s);
        if (retired != null) {
            end(retired);
        }
        if (p == 0) {
            return;
        }
        int start = HubWire.TRANSPORT_HEADER_BYTES;
        int len = AllowedIps.ipLength(view, start, p);
        if (len < 0) {
            counters.drop(HubDropReason.MALFORMED_INNER);
            return;
        }
        boolean v4 = AllowedIps.isIpv4(view, start);
        HubPolicy.Entry from = pol.allowedIps.lookup(view, AllowedIps.sourceOffset(view, start, len), v4);
        if (from == null || from.state() != owner.state()) {
            counters.drop(HubDropReason.ALLOWED_IPS);
            return;
        }
        counters.packetsIn.incrementAndGet();
        counters.bytesIn.addAndGet(len);
        if (pol.config.clientToClient()) {
            HubPolicy.Entry to = pol.allowedIps.lookup(view, AllowedIps.destinationOffset(view, start, len), v4);
            if (to != null && to.state() != owner.state()) {
                if (sendTo(to, buf, view, len, now)) {
                    counters.forwarded.incrementAndGet();
                }
                return;
            }
        }
        try {
            tun.write(ByteBuffer.wrap(buf, start, len));
        } catch (IOException e) {
            counters.drop(HubDropReason.SEND_FAILED);
        }
    }

    private void tunLoop() {
        byte[] buf = new byte[HubWire.MAX_DATAGRAM_BYTES];
        ByteBuffer view = ByteBuffer.wrap(buf);
        while (!closed) {
            view.clear().position(HubWire.TRANSPORT_HEADER_BYTES).limit(HubWire.TRANSPORT_HEADER_BYTES + HubWire.MAX_INNER_BYTES);
            int n;
            try {
                n = tun.read(view);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (n < 0) {
                return;
            }
            int start = HubWire.TRANSPORT_HEADER_BYTES;
            int len = AllowedIps.ipLength(view, start, n);
            if (len < 0) {
                counters.drop(HubDropReason.MALFORMED_INNER);
                continue;
            }
            HubPolicy.Entry to = policy.allowedIps.lookup(view, AllowedIps.destinationOffset(view, start, len),
                    AllowedIps.isIpv4(view, start));
            if (to == null) {
                counters.drop(HubDropReason.NO_ROUTE);
                continue;
            }
            sendTo(to, buf, view, len, clock.getAsLong());
        }
    }

    /** Seals {@code buf[16, 16+len)} for client {@code to} and sends it. */
    private boolean sendTo(HubPolicy.Entry to, byte[] buf, ByteBuffer view, int len, long now) {
        Session s = to.state().current();
        if (s == null || !s.usable(now)) {
            counters.drop(HubDropReason.NO_SESSION);
            return false;
        }
        int n = TransportPath.seal(s, buf, view, len, now);
        if (n < 0) {
            counters.drop(HubDropReason.SESSION_EXPIRED);
            return false;
        }
        counters.packetsOut.incrementAndGet();
        counters.bytesOut.addAndGet(len);
        return send(view.clear().limit(n), s.endpoint);
    }

    /** Sends the bytes between position and limit of {@code b}. */
    private boolean send(ByteBuffer b, SocketAddress to) {
        try {
            channel.send(b, to);
            return true;
        } catch (IOException e) {
            counters.drop(HubDropReason.SEND_FAILED);
            return false;
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
                    for (ClientState st : states.values()) {
                        st.forget(s);
                    }
                    end(s);
                }
            }
            perSource.sweep();
            perKey.sweep();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
        tun.close();
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Session s : table.all()) {
            end(s);
        }
    }
}
