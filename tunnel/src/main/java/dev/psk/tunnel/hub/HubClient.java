package dev.psk.tunnel.hub;

import dev.psk.common.PskException;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.crypto.PresharedKey;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.crypto.X25519PublicKey;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerDirectory;
import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.io.tun.TunDevice;
import dev.psk.tunnel.noise.CipherState;
import dev.psk.tunnel.noise.IkPsk2Handshake;
import dev.psk.tunnel.noise.NoiseException;
import dev.psk.tunnel.noise.NoiseLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * A hub client: the Noise initiator, on the same {@link Device} runtime as the point-to-point
 * tunnel with one {@link Peer} (the hub) whose {@link NoisePeerSession} holds the current and
 * previous keypairs. Handshake messages (response, cookie reply) arrive through the device's
 * control handler; a timer thread drives {@link Timers} (retransmit, rekey, keepalive).
 *
 * <p>Hardened as WireGuard's initiator is: a cookie reply is stored and used on the next
 * retransmission (never answered at once, so forged replies cannot make the client flood the
 * hub); a message 2 that fails to decrypt leaves the pending handshake in place (a forged response
 * cannot cancel it); an inner packet from the hub is accepted only when its source lies in the
 * client's hub-side prefixes ({@code Routes} plus the networks of its {@code Address}es, the
 * client's AllowedIPs), else dropped as {@code allowed_ips}.
 *
 * <p>After a hub restart the hub sends a {@link RestartHint} naming the handshake it lost; the
 * client handshakes at once when the hint names its current session's or its pending handshake's
 * timestamp, and at most once per such handshake (so a captured hint, replayed, buys nothing).
 * Without a hint, {@link Timers} notice the lost session (docs/hub.md, "Recovery from a hub restart").
 */
public final class HubClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HubClient.class.getName());

    private final ClientConfig config;
    private final InetSocketAddress server;
    private final LongSupplier clock;
    private final Timers timers;
    private final HubCounters counters = new HubCounters();
    private final SessionTable table = new SessionTable(4);
    private final CookieGenerator cookies;
    private final MacKeys ownMacs;
    private final dev.psk.identity.Signer identity;
    private final AllowedIps<Boolean> routes = new AllowedIps<>();
    private final NoisePeerSession session;
    private final Peer hub;
    private final Device device;
    private final RestartHint restartHint;
    private IkPsk2Handshake pending;
    private int pendingIndex;
    /** TAI64N labels of the pending handshake's message 1, of the current session's, and of the last hint acted on. */
    private byte[] pendingTimestamp;

    private byte[] sessionTimestamp;
    private byte[] hintedTimestamp;
    private volatile boolean closed;
    /** The hub's silence was logged; cleared by the next completed handshake. */
    private volatile boolean silenceReported;

    private Thread timerThread;

    public HubClient(
            ClientConfig config,
            TunDevice tun,
            UdpSocket socket,
            InetSocketAddress server,
            Timers.Settings settings,
            dev.psk.identity.Signer identity,
            LongSupplier clock) {
        this.config = config;
        this.server = server;
        this.clock = clock;
        this.timers = new Timers(settings);
        this.cookies = new CookieGenerator(config.serverPublicKey(), clock);
        this.ownMacs = new MacKeys(config.publicKey());
        byte[] psk = config.psk();
        try {
            this.restartHint = new RestartHint(psk, config.serverPublicKey(), config.publicKey());
        } finally {
            Arrays.fill(psk, (byte) 0);
        }
        this.identity = identity;
        for (Cidr r : hubSidePrefixes(config)) {
            routes.insert(r, Boolean.TRUE);
        }
        this.session = new NoisePeerSession(
                false,
                table,
                this::permitsSource,
                new NoisePeerSession.Events() {
                    @Override
                    public void retired(Session s) {
                        s.kill();
                        table.remove(s);
                    }

                    @Override
                    public void received(long now) {
                        timers.onDataReceived(now);
                    }

                    @Override
                    public void sent(long now) {
                        timers.onDataSent(now);
                    }
                },
                clock);
        session.describe("hub", AllowedClient.fingerprint(config.serverPublicKey()));
        this.hub = new Peer("hub", session, server, true);
        session.attach(hub);
        List<Peer> only = List.of(hub);
        this.device = new Device(
                tun,
                socket,
                new PeerDirectory() {
                    @Override
                    public boolean isData(ByteBuffer datagram, int len) {
                        return len > 0 && datagram.get(0) == HubWire.TYPE_TRANSPORT;
                    }

                    @Override
                    public Peer forDatagram(InetSocketAddress source, ByteBuffer datagram, int len) {
                        return HubPeers.byReceiverIndex(table, source, datagram, len);
                    }

                    @Override
                    public Peer forPacket(ByteBuffer buf, int offset, int len) {
                        return hub;
                    }

                    @Override
                    public List<Peer> peers() {
                        return only;
                    }
                },
                PacketAeads.AUTO,
                LOG::warning);
        device.setControlHandler((datagram, len, source, dev) -> onControl(datagram, len));
        counters.attach(device.counters(), () -> List.of(device.counters(), hub.counters()));
    }

    /** The inner source addresses the hub may send from: {@code Routes} and the tunnel networks of {@code Address}. */
    static List<Cidr> hubSidePrefixes(ClientConfig config) {
        List<Cidr> all = new java.util.ArrayList<>(config.routes());
        for (Cidr a : config.addresses()) {
            all.add(a.network());
        }
        return all;
    }

    private boolean permitsSource(ByteBuffer buf, int start, int len) {
        return routes.lookup(buf, AllowedIps.sourceOffset(buf, start, len), AllowedIps.isIpv4(buf, start)) != null;
    }

    public void start() {
        device.start();
        timerThread = Thread.ofPlatform().name("client-timer").daemon().start(this::timerLoop);
    }

    public HubCounters counters() {
        return counters;
    }

    /** The shared runtime carrying the client's data plane. */
    public Device device() {
        return device;
    }

    /** True once a session with the hub is up. */
    public boolean connected() {
        return session.usable();
    }

    /** Sends a new message 1 now (tests; the timer does this by itself). */
    public synchronized void initiate() {
        if (closed) {
            return;
        }
        discardPending();
        long now = clock.getAsLong();
        try {
            int index = table.reserve();
            IkPsk2Handshake hs;
            try (X25519PrivateKey own = X25519PrivateKey.takeOwnership(config.privateKey());
                    PresharedKey psk = PresharedKey.takeOwnership(config.psk())) {
                hs = IkPsk2Handshake.initiator(
                        HubWire.PROLOGUE, own, X25519PublicKey.fromBytes(config.serverPublicKey()), psk);
            }
            byte[] ts = Tai64n.encode(Instant.now());
            byte[] noise = hs.writeMessage1(h -> payload(ts, h));
            int n = HubWire.INIT_NOISE_OFFSET + noise.length + 2 * HubWire.MAC_BYTES;
            byte[] msg = new byte[n];
            msg[0] = HubWire.TYPE_INITIATION;
            HubWire.putIntLE(msg, HubWire.INIT_SENDER_OFFSET, index);
            System.arraycopy(noise, 0, msg, HubWire.INIT_NOISE_OFFSET, noise.length);
            cookies.addMacs(msg, n);
            pending = hs;
            pendingIndex = index;
            pendingTimestamp = ts;
            timers.onHandshakeInitiated(now);
            device.sendControl(ByteBuffer.wrap(msg), server);
            counters.initiationsSent.incrementAndGet();
        } catch (NoiseException | IOException | RuntimeException e) {
            LOG.warning(() -> "cannot send message 1: " + e.getMessage());
            discardPending();
        }
    }

    private byte[] payload(byte[] ts, byte[] handshakeHash) {
        if (identity == null) {
            return ts;
        }
        try {
            byte[] sig = IdentityProof.sign(identity, handshakeHash);
            byte[] p = new byte[ts.length + HubWire.IDENTITY_LENGTH_BYTES + sig.length];
            System.arraycopy(ts, 0, p, 0, ts.length);
            p[ts.length] = (byte) sig.length;
            p[ts.length + 1] = (byte) (sig.length >>> 8);
            System.arraycopy(sig, 0, p, ts.length + 2, sig.length);
            return p;
        } catch (dev.psk.identity.IdentityException e) {
            throw new IllegalStateException("identity signature failed: " + e.getMessage(), e);
        }
    }

    private void discardPending() {
        if (pending != null) {
            pending.close();
            table.release(pendingIndex);
            pending = null;
        }
    }

    /** Device receive thread: every datagram that is not a transport message. */
    private void onControl(ByteBuffer datagram, int n) {
        if (n < HubWire.HEADER_BYTES || n > HubWire.MAX_DATAGRAM_BYTES) {
            counters.drop(n < HubWire.HEADER_BYTES ? HubDropReason.TOO_SHORT : HubDropReason.TOO_LONG);
            return;
        }
        byte[] buf = new byte[n];
        datagram.get(0, buf, 0, n);
        switch (buf[0]) {
            case HubWire.TYPE_RESPONSE -> onResponse(buf, n);
            case HubWire.TYPE_COOKIE_REPLY -> onCookieReply(buf, n);
            case HubWire.TYPE_RESTART_HINT -> onRestartHint(buf, n);
            default -> counters.drop(HubDropReason.BAD_TYPE);
        }
    }

    private synchronized void onResponse(byte[] buf, int n) {
        if (n != HubWire.RESPONSE_BYTES
                || !HubWire.hasHeader(buf, n, HubWire.TYPE_RESPONSE)
                || pending == null
                || HubWire.getIntLE(buf, HubWire.RESP_RECEIVER_OFFSET) != pendingIndex
                || !ownMacs.checkMac1(buf, n)) {
            counters.drop(HubDropReason.UNEXPECTED_RESPONSE);
            return;
        }
        long now = clock.getAsLong();
        try {
            pending.readMessage2(Arrays.copyOfRange(buf, HubWire.RESP_NOISE_OFFSET, HubWire.mac1Offset(n)));
            CipherState[] keys = pending.split();
            Session s = new Session(
                    pendingIndex,
                    HubWire.getIntLE(buf, HubWire.RESP_SENDER_OFFSET),
                    config.serverPublicKey(),
                    keys,
                    now);
            pending.close();
            pending = null;
            sessionTimestamp = pendingTimestamp;
            session.install(s);
            table.put(s);
            timers.onHandshakeComplete(now);
            counters.handshakesCompleted.incrementAndGet();
            if (silenceReported) {
                silenceReported = false;
                LOG.info("client " + config.name() + " " + config.fingerprint() + ": handshake with hub " + serverName()
                        + " completed");
            }
            sendKeepalive(now);
        } catch (NoiseException e) {
            // Forged or corrupted: the handshake stays pending for the genuine response.
            counters.drop(HubDropReason.HANDSHAKE_FAILED);
        }
    }

    private void onCookieReply(byte[] buf, int n) {
        synchronized (this) {
            if (pending == null
                    || n != HubWire.COOKIE_REPLY_BYTES
                    || HubWire.getIntLE(buf, HubWire.COOKIE_RECEIVER_OFFSET) != pendingIndex
                    || !cookies.consumeCookieReply(buf, n)) {
                counters.drop(HubDropReason.BAD_COOKIE_REPLY);
                return;
            }
        }
        // The hub is under load and wants proof of our address. The cookie goes into mac2 of the
        // next retransmission, on the normal timer: answering at once would let anyone who forges
        // cookie replies (the hub's public key and our mac1 suffice) drive us to flood the hub.
        counters.cookiesReceived.incrementAndGet();
        if (COOKIE_LOG.allow(Boolean.TRUE)) {
            LOG.info("hub " + serverName() + " is under load and sent a cookie: the next retransmission carries it");
        }
    }

    /**
     * The hub restarted and lost the session of the handshake the hint names: handshake now, once.
     * A hint is honoured only when it names our current session or our pending handshake, and
     * only if that handshake's label is newer than the last hint acted on: a forged or replayed hint
     * costs us two HMACs and nothing more, and no hint makes us handshake twice for one message 1.
     */
    private void onRestartHint(byte[] buf, int n) {
        synchronized (this) {
            byte[] named = restartHint.matches(buf, n, sessionTimestamp)
                    ? sessionTimestamp
                    : pending != null && restartHint.matches(buf, n, pendingTimestamp) ? pendingTimestamp : null;
            if (named == null || !Tai64n.after(named, hintedTimestamp)) {
                counters.drop(HubDropReason.BAD_RESTART_HINT);
                return;
            }
            hintedTimestamp = named;
            counters.restartHintsAccepted.incrementAndGet();
            LOG.info("hub " + serverName() + " restarted and lost our session: handshaking again");
            initiate();
        }
    }

    private static final dev.psk.tunnel.ratelimit.RateLimiter<Boolean> COOKIE_LOG =
            new dev.psk.tunnel.ratelimit.RateLimiter<>(1, 1, 1, System::nanoTime);

    private String serverName() {
        return server.getAddress().getHostAddress() + ":" + server.getPort();
    }

    /** A keepalive confirms a fresh keypair to the hub (and keeps NAT state alive). */
    private void sendKeepalive(long now) {
        ByteBuffer b = session.keepalive();
        if (b == null) {
            return;
        }
        try {
            device.sendControl(b, hub.endpoint());
            timers.onKeepaliveSent(now);
        } catch (IOException e) {
            counters.drop(HubDropReason.SEND_FAILED);
        }
    }

    private void timerLoop() {
        while (!closed) {
            long now = clock.getAsLong();
            Session s = session.current();
            if (s != null && !s.usable(now)) {
                timers.onSessionLost();
            } else if (s != null
                    && Long.compareUnsigned(s.sentMessages(), NoiseLimits.REKEY_AFTER_MESSAGES) >= 0
                    && !timers.handshakePending()) {
                initiate();
            }
            switch (timers.due(now)) {
                case SEND_INITIATION -> initiate();
                case GIVE_UP -> {
                    synchronized (this) {
                        discardPending();
                    }
                    // The hub answers a refused message 1 with silence (only "under load" has an
                    // answer, the cookie reply), so silence is all a refused client can report: once
                    // per outage (the attempts go on), again only after a handshake has succeeded.
                    if (!silenceReported) {
                        silenceReported = true;
                        LOG.warning("client " + config.name() + " " + config.fingerprint() + ": no handshake with hub "
                                + serverName() + " after " + timers.attemptSeconds() + " s of attempts; the hub is"
                                + " silent when it refuses (unknown or disabled key, replayed or rate-limited"
                                + " message 1, identity refused) and when unreachable: its log names the reason"
                                + (cookies.hasCookie() ? "; it did answer with cookies (under load)" : "")
                                + "; still trying, said once until a handshake succeeds");
                    }
                }
                case SEND_KEEPALIVE -> sendKeepalive(now);
                case NONE -> {}
            }
            try {
                Thread.sleep(NoiseLimits.TIMER_TICK);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops the timer and the device (TUN and socket closed, keypairs wiped). */
    @Override
    public void close() {
        closed = true;
        if (timerThread != null) {
            timerThread.interrupt();
        }
        try {
            device.close();
        } catch (PskException e) {
            LOG.warning(() -> "closing the client: " + e.getMessage());
        }
        synchronized (this) {
            discardPending();
            restartHint.close();
        }
        for (Session s : table.all()) {
            s.kill();
        }
    }
}
