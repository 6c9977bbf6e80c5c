package dev.psk.tunnel.handshake;

import dev.psk.common.Hex;
import dev.psk.common.SecretBytes;
import dev.psk.common.log.LogSink;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.device.ControlPacketHandler;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerSession;
import dev.psk.tunnel.session.SessionKey;
import dev.psk.tunnel.session.SessionKeyring;
import dev.psk.tunnel.wire.Psk2Wire;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs the handshake for one tunnel peer beside the data plane (docs/protocol.md 3.5):
 * <ul>
 *   <li>installed as the device's {@link ControlPacketHandler}: datagrams whose magic is not "PSK2"
 *       are size-checked and MAC-checked on the receive thread and copied into a bounded queue
 *       (full: dropped and counted), so the receive thread never waits for a token or a TPM;</li>
 *   <li>one worker thread owns the {@link Initiator} or {@link Responder} and is the only thread
 *       touching it;</li>
 *   <li>a completed handshake installs its session key in the {@link SessionKeyring} (data keys
 *       derive from it) and opens the peer's data gate; the responder re-binds the peer endpoint
 *       to the address that completed it (roaming);</li>
 *   <li>the gate follows the identity: a refused (re-)handshake of the bound identity, a pin that
 *       is removed or disabled (the peers file is polled every {@link #PIN_POLL} and re-read on
 *       {@link #reloadPins}), or no successful rekey within the reject limit, wipes every session
 *       key and closes the gate at once, with the reason in the log.</li>
 *   <li>rekey: the initiator starts a handshake every rekey interval (and when the re-attestation
 *       interval demands a fresh quote); the responder's own timers send a REKEY request, so
 *       whichever fires first starts the one handshake.</li>
 * </ul>
 */
public final class HandshakeService implements ControlPacketHandler, AutoCloseable {
    public static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REATTEST_INTERVAL = Duration.ofMinutes(10);
    static final Duration PIN_POLL = Duration.ofMillis(250);
    private static final int QUEUE_CAPACITY = 256;
    private static final long TICK_MILLIS = 100;

    private record Inbound(InetSocketAddress from, byte[] bytes) {}

    /** The initiator's handshake whose CONFIRM went out, and its log line, until the responder proves it took it. */
    private record Unconfirmed(
            SessionKey key,
            String line,
            InetSocketAddress endpointBefore,
            byte[] identityBefore,
            Instant establishedBefore) {}

    private final HandshakeConfig cfg;
    private final Peer peer;
    private final InetSocketAddress remote;
    private final SessionKeyring keyring;
    private final LogSink log;
    private final LongSupplier nanos;
    private final HandshakeCounters counters = new HandshakeCounters();
    private final ArrayBlockingQueue<Inbound> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private volatile Device device;
    /** Owned by the device's receive thread: forged datagrams are dropped there, before any copy or queue. */
    private HandshakeMac rxMac;

    private byte[] ourFp;
    private volatile Thread worker;
    private volatile boolean stopping;
    private volatile boolean reloadRequested;
    private volatile InetSocketAddress boundEndpoint;
    private volatile byte[] boundIdentity;
    private volatile Instant lastEstablished;
    private volatile String boundName;
    private Duration rekeyInterval = HandshakeWire.REKEY_AFTER;
    private Duration reattestInterval = DEFAULT_REATTEST_INTERVAL;
    private Initiator initiator;
    private Responder responder;
    private Instant nextStart;
    private Instant nextPinPoll = Instant.MIN;
    private Instant nextRekeyRequest = Instant.MIN;
    private long noSessionDropsSeen;
    private boolean hadKey;
    /** The responder cut the peer off: ask it to handshake again so that it learns why. */
    private boolean askPeer;
    /** After refusing the peer, do not invite it again before this (no refusal loop in the logs). */
    private Instant quietUntil = Instant.MIN;

    static final Duration QUIET_AFTER_REFUSAL = Duration.ofSeconds(30);

    /**
     * Initiator only: CONFIRM sent, but the responder may still refuse it (its signature or quote
     * checks come after). The handshake counts as completed, and "established" is logged, only when
     * the first authentic packet under its key arrives (the responder sends one at once).
     */
    private Unconfirmed unconfirmed;

    private PacketAead keepaliveAead;
    private ByteBuffer keepaliveBuf;

    /**
     * Responder: further keepalives under the newest key while nothing authentic has come back
     * under it. The first one can be lost, or arrive before the initiator has installed the key it
     * sends its CONFIRM ahead of; without a packet under the key an idle initiator would never
     * count the handshake. Bounded, and one per {@link #KEEPALIVE_RESEND_INTERVAL}.
     */
    private int keepaliveResends;

    private Instant nextKeepaliveResend = Instant.MIN;
    private static final int KEEPALIVE_RESENDS = 3;
    private static final Duration KEEPALIVE_RESEND_INTERVAL = Duration.ofMillis(500);

    /**
     * @param remote the responder's address for an initiator; null for a responder
     * @param keyring where completed handshakes put their session keys (the peer's Psk2Session reads them)
     * @param log operator log lines, whatever their severity (the caller prefixes them as it likes)
     */
    public HandshakeService(
            HandshakeConfig cfg, Peer peer, InetSocketAddress remote, SessionKeyring keyring, Consumer<String> log) {
        this(cfg, peer, remote, keyring, LogSink.of(log));
    }

    /**
     * Like the constructor, with each log line's severity: refusals, pad mismatches, failed
     * handshakes and cut data are warnings, the rest info.
     */
    public static HandshakeService leveled(
            HandshakeConfig cfg, Peer peer, InetSocketAddress remote, SessionKeyring keyring, LogSink log) {
        return new HandshakeService(cfg, peer, remote, keyring, log);
    }

    private HandshakeService(
            HandshakeConfig cfg, Peer peer, InetSocketAddress remote, SessionKeyring keyring, LogSink log) {
        this.cfg = cfg;
        this.peer = peer;
        this.remote = remote;
        this.keyring = java.util.Objects.requireNonNull(keyring, "keyring");
        this.log = log;
        this.nanos = Responder.nanoClock(cfg);
    }

    /** The rekey interval (default 120 s; keys are wiped after 1.5 times it). Call before {@link #start}. */
    public HandshakeService rekeyInterval(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("rekey interval must be positive, not " + d);
        }
        this.rekeyInterval = d;
        return this;
    }

    /** How often a quote is demanded again in attested mode (default 10 min). Call before {@link #start}. */
    public HandshakeService reattestInterval(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("re-attestation interval must be positive, not " + d);
        }
        this.reattestInterval = d;
        return this;
    }

    /** Keys older than this are wiped and data stops. */
    public Duration rejectAfter() {
        return rekeyInterval.multipliedBy(HandshakeWire.REJECT_AFTER_PERCENT).dividedBy(100);
    }

    private Duration handshakeInterval() {
        return cfg.quoteChecker() != null && reattestInterval.compareTo(rekeyInterval) < 0
                ? reattestInterval
                : rekeyInterval;
    }

    public boolean isInitiator() {
        return remote != null;
    }

    public HandshakeCounters counters() {
        return counters;
    }

    public SessionKeyring keyring() {
        return keyring;
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

    /** The pinned-peers file's name for the identity the last completed handshake bound, or null. */
    public String boundName() {
        return boundName;
    }

    /** Asks the worker to re-read the pinned-peers file now (SIGHUP); returns at once. */
    public void reloadPins() {
        reloadRequested = true;
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
            responder.epochSource(keyring::nextEpoch);
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
                log.error("handshake: internal error: " + e);
            }
        }
    }

    /** One pass of the timers; the worker calls it at least every 100 ms (tests may call it directly). */
    void tick() {
        Instant now = cfg.clock().instant();
        pollPins(now);
        expireKeys(now);
        if (!isInitiator()) {
            responder.tick();
            responderTimers(now);
            resendKeepalive(now);
            return;
        }
        confirm();
        initiator.tick();
        Initiator.State s = initiator.state();
        if (s == Initiator.State.IDLE || (s != Initiator.State.WAIT_WELCOME && !now.isBefore(nextStart))) {
            startHandshake(now);
        }
    }

    private void startHandshake(Instant now) {
        initiator.start(remote);
        nextStart = now.plus(handshakeInterval());
    }

    private void pollPins(Instant now) {
        if (!(cfg.trust() instanceof ReloadingPeerTrust t)) {
            return;
        }
        String line = null;
        if (reloadRequested) {
            reloadRequested = false;
            line = t.reload();
        } else if (!now.isBefore(nextPinPoll)) {
            nextPinPoll = now.plus(PIN_POLL);
            line = t.reloadIfChanged();
        }
        if (line == null) {
            return;
        }
        log.info("handshake: " + line);
        byte[] id = boundIdentity;
        if (id == null || !peer.dataAllowed()) {
            return;
        }
        Refusal r = new PeerCheck(cfg).identity(id, new byte[0]);
        if (r == Refusal.UNKNOWN_IDENTITY || r == Refusal.DISABLED_IDENTITY) {
            cut("identity " + Hex.encode(id) + " "
                    + (r == Refusal.UNKNOWN_IDENTITY ? "is no longer pinned" : "is now disabled") + " in " + t.file());
        }
    }

    private void expireKeys(Instant now) {
        boolean any = keyring.expire(toNanos(now), rejectAfter().toNanos());
        if (hadKey && !any) {
            hadKey = false;
            if (peer.dataAllowed()) {
                peer.allowData(false);
                log.warn(
                        "handshake: no successful rekey within " + rejectAfter().toSeconds()
                                + " s: session keys wiped, data stopped until a handshake succeeds");
            }
        }
    }

    private void responderTimers(Instant now) {
        if (now.isBefore(nextRekeyRequest)) {
            return;
        }
        InetSocketAddress to = peer.endpoint();
        if (to == null) {
            return;
        }
        SessionKey newest = keyring.newest();
        // Data we hold no key for (a restart of this end, or keys wiped): ask for a handshake.
        long noSession =
                peer.counters().drops(DropReason.NO_SESSION) + peer.counters().drops(DropReason.GATED);
        boolean lost = newest == null && (askPeer || (noSession != noSessionDropsSeen && !now.isBefore(quietUntil)));
        noSessionDropsSeen = noSession;
        boolean due = newest != null
                && Duration.ofNanos(toNanos(now) - newest.establishedNanos()).compareTo(handshakeInterval()) >= 0;
        if (lost || due) {
            nextRekeyRequest = now.plus(lost ? Duration.ofSeconds(1) : HandshakeWire.REKEY_MIN_INTERVAL);
            responder.requestRekey(to, new byte[HandshakeWire.SESSION_ID_BYTES]);
        }
    }

    private void resendKeepalive(Instant now) {
        if (keepaliveResends <= 0 || now.isBefore(nextKeepaliveResend)) {
            return;
        }
        SessionKey newest = keyring.newest();
        if (newest == null || newest.heard()) {
            keepaliveResends = 0;
            return;
        }
        keepaliveResends--;
        nextKeepaliveResend = now.plus(KEEPALIVE_RESEND_INTERVAL);
        sendKeepalive();
    }

    /** Initiator: counts and logs the handshake awaiting proof once a packet under its key has arrived. */
    private void confirm() {
        Unconfirmed u = unconfirmed;
        if (u != null && u.key().heard()) {
            unconfirmed = null;
            counters.onCompleted();
            log.info(u.line());
        }
    }

    /** Wipes every session key and closes the gate at once; {@code why} goes to the log. */
    private void cut(String why) {
        keyring.retireAll();
        hadKey = false;
        askPeer = !isInitiator();
        nextRekeyRequest = Instant.MIN;
        peer.allowData(false);
        log.warn("handshake: " + why + ": session keys wiped, data stopped");
    }

    private long toNanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private void send(InetSocketAddress to, byte[] datagram) {
        try {
            device.sendControl(ByteBuffer.wrap(datagram), to);
        } catch (IOException e) {
            log.warn("handshake: sending to " + addr(to) + " failed: " + e.getMessage());
        }
    }

    /** An empty PSK2 packet under the newest key, so the initiator switches its sending key at once. */
    private void sendKeepalive() {
        InetSocketAddress to = peer.endpoint();
        if (to == null) {
            return;
        }
        if (keepaliveAead == null) {
            keepaliveAead = PacketAeads.create(PacketAeads.JCE);
            keepaliveBuf = ByteBuffer.allocate(PeerSession.HEADROOM + Psk2Wire.OVERHEAD_BYTES);
        }
        PeerSession s = peer.session();
        keepaliveBuf.clear();
        if (s.seal(keepaliveBuf, 0, keepaliveAead) != null) {
            return;
        }
        keepaliveBuf.limit(PeerSession.HEADROOM + s.tagBytes()).position(PeerSession.HEADROOM - s.headerBytes());
        try {
            device.sendControl(keepaliveBuf, to);
        } catch (IOException e) {
            // the next data packet or rekey does the same job
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
        boolean none = id == null || Arrays.equals(id, new byte[id.length]);
        String name =
                none ? "" : cfg.trust().lookup(id).map(PeerTrust.Pin::name).orElse("");
        return addr(a) + (none ? "" : " identity " + Hex.encode(id)) + (name.isEmpty() ? "" : " (" + name + ")");
    }

    private boolean isBound(byte[] id) {
        byte[] b = boundIdentity;
        return b != null && id != null && Arrays.equals(b, id);
    }

    /** Outcome hooks, called on the worker thread. */
    private final class Outcomes implements HandshakeEvents {
        @Override
        public void established(InetSocketAddress from, byte[] id, String name, int epoch, SecretBytes secret) {
            InetSocketAddress before = boundEndpoint;
            byte[] identityBefore = boundIdentity;
            Instant establishedBefore = lastEstablished;
            boolean rekey = lastEstablished != null && peer.dataAllowed() && isBound(id);
            if (!isInitiator()) {
                peer.rebind(from);
            }
            SessionKey key = new SessionKey(epoch, secret, nanos.getAsLong());
            keyring.install(key, nanos.getAsLong());
            hadKey = true;
            askPeer = false;
            boundEndpoint = from;
            boundIdentity = id.clone();
            boundName = name == null || name.isEmpty() ? null : name;
            lastEstablished = cfg.clock().instant();
            peer.allowData(true);
            if (!isInitiator()) {
                sendKeepalive();
                keepaliveResends = KEEPALIVE_RESENDS;
                nextKeepaliveResend = cfg.clock().instant().plus(KEEPALIVE_RESEND_INTERVAL);
            }
            String line = "handshake: " + (rekey ? "rekeyed" : "established") + " with " + who(from, id) + ", mode "
                    + cfg.mode() + ", key epoch " + epoch
                    + (before != null && !before.equals(from) ? ", endpoint moved from " + addr(before) : "");
            if (isInitiator()) {
                unconfirmed = new Unconfirmed(key, line, before, identityBefore, establishedBefore);
                confirm(); // a packet under the key may have come before this call
            } else {
                log.info(line);
            }
        }

        @Override
        public void refusedPeer(InetSocketAddress from, byte[] id, Refusal reason) {
            askPeer = false; // it has been told why
            quietUntil = cfg.clock().instant().plus(QUIET_AFTER_REFUSAL);
            unconfirmed = null;
            log.warn("handshake: refused " + who(from, id) + ": " + reason.description());
            if (isInitiator() || isBound(id)) {
                if (peer.dataAllowed() || hadKey) {
                    cut("the bound peer was refused (" + reason.description() + ")");
                } else {
                    keyring.retireAll();
                    peer.allowData(false);
                }
            }
            if (isInitiator()) {
                nextStart = cfg.clock().instant().plus(RETRY_AFTER_FAILURE);
            }
        }

        @Override
        public void refusedByPeer(InetSocketAddress from, Refusal reason) {
            log.warn("handshake: peer " + addr(from) + " refused us: " + reason.description());
            Unconfirmed u = unconfirmed;
            unconfirmed = null;
            if (u != null && u.establishedBefore() == null) {
                // Our first CONFIRM was refused before any data could use its key: nothing flowed,
                // nothing to report, and nothing was bound (show and the summary say so).
                boundEndpoint = u.endpointBefore();
                boundIdentity = u.identityBefore();
                lastEstablished = u.establishedBefore();
                keyring.retireAll();
                hadKey = false;
                peer.allowData(false);
            } else if (isInitiator() || (boundEndpoint != null && boundEndpoint.equals(from))) {
                if (peer.dataAllowed() || hadKey) {
                    cut("the peer refused us (" + reason.description() + ")");
                } else {
                    keyring.retireAll();
                    peer.allowData(false);
                }
            }
            if (isInitiator()) {
                nextStart = cfg.clock().instant().plus(RETRY_AFTER_FAILURE);
            }
        }

        @Override
        public void padMismatch(InetSocketAddress from, byte[] theirs, byte[] ours) {
            log.warn("handshake: peer " + addr(from) + " uses a different pad (peer pad " + Hex.encode(theirs)
                    + ", ours " + Hex.encode(ours) + ")");
        }

        @Override
        public void failed(String reason) {
            log.warn("handshake: no handshake with " + addr(remote) + ": " + reason + "; retrying in "
                    + RETRY_AFTER_FAILURE.toSeconds() + " s");
            nextStart = cfg.clock().instant().plus(RETRY_AFTER_FAILURE);
        }

        @Override
        public void rekeyRequested(InetSocketAddress from) {
            if (isInitiator()) {
                startHandshake(cfg.clock().instant());
            }
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
        long byPeer = counters.refusedByPeer();
        long refused = byPeer;
        for (Refusal r : Refusal.values()) {
            refused += counters.refusals(r);
        }
        b.append(", ").append(refused).append(" refused");
        if (byPeer != 0) {
            b.append(" (").append(byPeer).append(" by the peer)");
        }
        b.append(", ").append(counters.padMismatches()).append(" pad mismatches, drops ");
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

    /**
     * Stops the worker (logging {@link #summary()}), wipes every session key and ephemeral key; the
     * device's control handler is removed. Idempotent.
     */
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
        keyring.retireAll();
        if (initiator != null) {
            initiator.wipeEphemeral();
        }
        if (responder != null) {
            responder.wipe();
        }
        if (keepaliveAead != null) {
            keepaliveAead.close();
        }
        log.info(summary());
    }
}
