package dev.psk.tunnel.hub;

import dev.psk.tunnel.io.TunDevice;
import dev.psk.tunnel.noise.CipherState;
import dev.psk.tunnel.noise.IkPsk2Handshake;
import dev.psk.tunnel.noise.NoiseException;
import dev.psk.tunnel.noise.NoiseLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * A hub client: the Noise initiator. It connects at start, keeps one session (plus the previous
 * one for packets in flight), rekeys on {@link Timers}, answers cookie replies by resending its
 * initiation with mac2, and refuses inner packets from the hub whose source is outside its
 * {@code Routes} (when any are configured).
 *
 * <p>Threads: a receiver, a TUN reader, a timer.
 */
public final class HubClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HubClient.class.getName());

    private final ClientConfig config;
    private final TunDevice tun;
    private final DatagramChannel channel;
    private final InetSocketAddress server;
    private final LongSupplier clock;
    private final Timers timers;
    private final HubCounters counters = new HubCounters();
    private final SessionTable table = new SessionTable(4);
    private final CookieGenerator cookies;
    private final MacKeys ownMacs;
    private final dev.psk.identity.Signer identity;
    private final AllowedIps<Boolean> routes = new AllowedIps<>();
    private IkPsk2Handshake pending;
    private int pendingIndex;
    private volatile Session current;
    private Session previous;
    private volatile boolean closed;
    private final List<Thread> threads = new ArrayList<>();

    public HubClient(ClientConfig config, TunDevice tun, DatagramChannel channel, InetSocketAddress server,
            Timers.Settings settings, dev.psk.identity.Signer identity, LongSupplier clock) {
        this.config = config;
        this.tun = tun;
        this.channel = channel;
        this.server = server;
        this.clock = clock;
        this.timers = new Timers(settings);
        this.cookies = new CookieGenerator(config.serverPublicKey(), clock);
        this.ownMacs = new MacKeys(config.publicKey());
        this.identity = identity;
        for (Cidr r : config.routes()) {
            routes.insert(r, Boolean.TRUE);
        }
    }

    public void start() {
        threads.add(Thread.ofPlatform().name("client-rx").daemon().start(this::receiveLoop));
        threads.add(Thread.ofPlatform().name("client-tun").daemon().start(this::tunLoop));
        threads.add(Thread.ofPlatform().name("client-timer").daemon().start(this::timerLoop));
    }

    public HubCounters counters() {
        return counters;
    }

    /** True once a session with the hub is up. */
    public boolean connected() {
        Session s = current;
        return s != null && s.usable(clock.getAsLong());
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
            IkPsk2Handshake hs = IkPsk2Handshake.initiator(HubWire.PROLOGUE, config.privateKey(), config.serverPublicKey(), config.psk());
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
            timers.onHandshakeInitiated(now);
            channel.send(ByteBuffer.wrap(msg), server);
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

    private synchronized void onResponse(byte[] buf, int n, InetSocketAddress src) {
        if (n != HubWire.RESPONSE_BYTES || !HubWire.hasHeader(buf, n, HubWire.TYPE_RESPONSE) || pending == null
                || HubWire.getIntLE(buf, HubWire.RESP_RECEIVER_OFFSET) != pendingIndex || !ownMacs.checkMac1(buf, n)) {
            counters.drop(HubDropReason.UNEXPECTED_RESPONSE);
            return;
        }
        long now = clock.getAsLong();
        try {
            pending.readMessage2(Arrays.copyOfRange(buf, HubWire.RESP_NOISE_OFFSET, HubWire.mac1Offset(n)));
            CipherState[] keys = pending.split();
            Session s = new Session(pendingIndex, HubWire.getIntLE(buf, HubWire.RESP_SENDER_OFFSET), config.serverPublicKey(),
                    true, keys, server, now);
            pending = null;
            table.put(s);
            if (previous != null) {
                previous.kill();
                table.remove(previous);
            }
            previous = current;
            current = s;
            timers.onHandshakeComplete(now);
            counters.handshakesCompleted.incrementAndGet();
            sendKeepalive(s, now);
        } catch (NoiseException e) {
            counters.drop(HubDropReason.HANDSHAKE_FAILED);
            discardPending();
        }
    }

    private void onCookieReply(byte[] buf, int n) {
        synchronized (this) {
            if (pending == null || n != HubWire.COOKIE_REPLY_BYTES
                    || HubWire.getIntLE(buf, HubWire.COOKIE_RECEIVER_OFFSET) != pendingIndex
                    || !cookies.consumeCookieReply(buf, n)) {
                counters.drop(HubDropReason.BAD_COOKIE_REPLY);
                return;
            }
        }
        // The hub is under load and wants proof of our address: resend at once with mac2.
        initiate();
    }

    private void sendKeepalive(Session s, long now) {
        byte[] b = new byte[HubWire.TRANSPORT_HEADER_BYTES + HubWire.TAG_BYTES];
        int n = TransportPath.seal(s, b, ByteBuffer.wrap(b), 0, now);
        if (n > 0) {
            send(b, n);
            timers.onKeepaliveSent(now);
        }
    }

    private void receiveLoop() {
        byte[] buf = new byte[HubWire.MAX_DATAGRAM_BYTES + 1];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        ByteBuffer view = ByteBuffer.wrap(buf);
        TransportPath path = new TransportPath(table);
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
            if (n < HubWire.HEADER_BYTES || n > HubWire.MAX_DATAGRAM_BYTES) {
                counters.drop(n < HubWire.HEADER_BYTES ? HubDropReason.TOO_SHORT : HubDropReason.TOO_LONG);
                continue;
            }
            switch (buf[0]) {
                case HubWire.TYPE_RESPONSE -> onResponse(buf, n, src);
                case HubWire.TYPE_COOKIE_REPLY -> onCookieReply(buf, n);
                case HubWire.TYPE_TRANSPORT -> onTransport(path, buf, view, n);
                default -> counters.drop(HubDropReason.BAD_TYPE);
            }
        }
    }

    private void onTransport(TransportPath path, byte[] buf, ByteBuffer view, int n) {
        long now = clock.getAsLong();
        int p = path.open(buf, view, n, now);
        if (p < 0) {
            counters.drop(path.reason());
            return;
        }
        timers.onDataReceived(now);
        if (p == 0) {
            return;
        }
        int start = HubWire.TRANSPORT_HEADER_BYTES;
        int len = AllowedIps.ipLength(view, start, p);
        if (len < 0) {
            counters.drop(HubDropReason.MALFORMED_INNER);
            return;
        }
        if (routes.size() > 0 && routes.lookup(view, AllowedIps.sourceOffset(view, start, len), AllowedIps.isIpv4(view, start)) == null) {
            counters.drop(HubDropReason.ALLOWED_IPS);
            return;
        }
        counters.packetsIn.incrementAndGet();
        counters.bytesIn.addAndGet(len);
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
            int len = AllowedIps.ipLength(view, HubWire.TRANSPORT_HEADER_BYTES, n);
            if (len < 0) {
                counters.drop(HubDropReason.MALFORMED_INNER);
                continue;
            }
            long now = clock.getAsLong();
            Session s = current;
            if (s == null || !s.usable(now)) {
                counters.drop(HubDropReason.NO_SESSION);
                continue;
            }
            int out = TransportPath.seal(s, buf, view, len, now);
            if (out < 0) {
                counters.drop(HubDropReason.SESSION_EXPIRED);
                continue;
            }
            if (send(buf, out)) {
                counters.packetsOut.incrementAndGet();
                counters.bytesOut.addAndGet(len);
                timers.onDataSent(now);
            }
        }
    }

    private boolean send(byte[] b, int n) {
        try {
            channel.send(ByteBuffer.wrap(b, 0, n), server);
            return true;
        } catch (IOException e) {
            counters.drop(HubDropReason.SEND_FAILED);
            return false;
        }
    }

    private void timerLoop() {
        while (!closed) {
            long now = clock.getAsLong();
            Session s = current;
            if (s != null && !s.usable(now)) {
                timers.onSessionLost();
            } else if (s != null && Long.compareUnsigned(s.sentMessages(), NoiseLimits.REKEY_AFTER_MESSAGES) >= 0
                    && !timers.handshakePending()) {
                initiate();
            }
            switch (timers.due(now)) {
                case SEND_INITIATION -> initiate();
                case GIVE_UP -> {
                    synchronized (this) {
                        discardPending();
                    }
                }
                case SEND_KEEPALIVE -> {
                    if (s != null) {
                        sendKeepalive(s, now);
                    }
                }
                case NONE -> { }
            }
            try {
                Thread.sleep(NoiseLimits.TIMER_TICK);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // closing
        }
        tun.close();
        for (Thread t : threads) {
            t.interrupt();
        }
        synchronized (this) {
            discardPending();
        }
        for (Session s : table.all()) {
            s.kill();
        }
    }
}
