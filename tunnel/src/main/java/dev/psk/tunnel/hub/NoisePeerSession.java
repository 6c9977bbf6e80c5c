package dev.psk.tunnel.hub;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerSession;
import dev.psk.tunnel.noise.NoiseLimits;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The hub protocol's {@link PeerSession}: one peer's Noise transport keypairs, WireGuard-style —
 * {@code next} (responder: handshake done, not yet confirmed by a transport message from the
 * initiator), {@code current} (used to send) and {@code previous} (kept for packets in flight). A
 * new handshake on the responder replaces only {@code next}: it never displaces the confirmed
 * keypair. Serves the hub (one per client) and the hub client (one, for the hub).
 *
 * <p>Wire format (docs/protocol.md, section hub): transport message = type 4, three zero bytes,
 * receiver index (LE), counter (LE), ciphertext + tag; ChaCha20-Poly1305 with the Noise nonce (32
 * zero bits, counter LE) and no associated data. {@link #open} checks, in order: size, header, the
 * keypair's life, counter limit and replay window, the AEAD tag; then (authentic) confirms the
 * keypair, moves the peer's endpoint to the sender (roaming), turns an empty plaintext into
 * {@link DropReason#KEEPALIVE}, and enforces the inner source address ({@link SourceCheck}: the
 * client's AllowedIPs on the hub, its Routes on a client) as {@link DropReason#ALLOWED_IPS}.
 * Plaintext is not padded; a peer that pads is accepted (the TUN write carries the padding, and the
 * kernel trims an IP packet to its own length).
 *
 * <p>Threading: {@link #seal} runs on the device's send thread, {@link #open} (after
 * {@link #stage}) on its receive thread; keypair changes hold this object's lock; a keypair's keys
 * are used only under the keypair's lock, which {@link Session#kill} takes too.
 */
public final class NoisePeerSession implements PeerSession, PeerActivity {
    /** Whether the inner packet {@code buf[start, start+length)} may come from this peer. No allocation. */
    @FunctionalInterface
    public interface SourceCheck {
        boolean permits(ByteBuffer buf, int start, int length);
    }

    /** What the owner (hub or client) hears about: retired keypairs and traffic for its timers. */
    public interface Events {
        /** {@code s} is no longer held here: kill it and drop its index. */
        void retired(Session s);

        default void received(long nowNanos) {}

        default void sent(long nowNanos) {}
    }

    private final boolean responder;
    private final SessionTable table;
    private final SourceCheck sources;
    private final Events events;
    private final LongSupplier clock;
    private final byte[] rxNonce = new byte[PacketAead.NONCE_BYTES];
    private final byte[] txNonce = new byte[PacketAead.NONCE_BYTES];
    private volatile Peer peer;
    private Session next;
    private volatile Session current;
    private Session previous;
    private Session rxSession;
    private InetSocketAddress rxSource;
    private PacketAead keepaliveAead;
    private boolean closed;
    private volatile String peerName = "";
    private volatile String fingerprint = "";
    private volatile long handshakeNanos;
    private volatile boolean handshaken;
    private volatile java.util.List<String> allowedIps = java.util.List.of();
    private volatile long packetNanos;
    private volatile boolean packetSeen;

    /**
     * @param responder true on the hub (keypairs start as next and are confirmed by the client's first message)
     * @param table the receiver-index table this session's keypairs are published in
     */
    NoisePeerSession(boolean responder, SessionTable table, SourceCheck sources, Events events, LongSupplier clock) {
        this.responder = responder;
        this.table = table;
        this.sources = sources;
        this.events = events;
        this.clock = clock;
    }

    /** The names {@link PeerActivity} reports (a reload may rename a client). */
    void describe(String name, String keyFingerprint) {
        this.peerName = name;
        this.fingerprint = keyFingerprint;
    }

    /** The AllowedIPs {@link PeerActivity} reports (a reload may change them). */
    void describeAllowedIps(java.util.List<String> cidrs) {
        this.allowedIps = java.util.List.copyOf(cidrs);
    }

    @Override
    public java.util.List<String> allowedIps() {
        return allowedIps;
    }

    @Override
    public String peerName() {
        return peerName;
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public java.time.Instant latestHandshake() {
        return handshaken ? wallTime(handshakeNanos) : null;
    }

    @Override
    public java.time.Instant lastPacket() {
        return packetSeen ? wallTime(packetNanos) : null;
    }

    private java.time.Instant wallTime(long nanos) {
        return java.time.Instant.now().minusNanos(Math.max(0, clock.getAsLong() - nanos));
    }

    /** Binds the {@link Peer} that carries this session (its endpoint follows authentic datagrams). */
    public void attach(Peer p) {
        this.peer = p;
    }

    public Peer peer() {
        return peer;
    }

    @Override
    public int headerBytes() {
        return HubWire.TRANSPORT_HEADER_BYTES;
    }

    @Override
    public int tagBytes() {
        return HubWire.TAG_BYTES;
    }

    /**
     * Receive thread, from the directory's lookup: the datagram naming keypair {@code s} came from
     * {@code source} (where the peer's endpoint moves if it proves authentic). No allocation.
     */
    Peer stage(Session s, InetSocketAddress source) {
        rxSession = s;
        rxSource = source;
        return peer;
    }

    @Override
    public DropReason seal(ByteBuffer buf, int len, PacketAead aead) {
        Session s = current;
        if (s == null) {
            return DropReason.NO_SESSION;
        }
        long now = clock.getAsLong();
        int h = HEADROOM - HubWire.TRANSPORT_HEADER_BYTES;
        synchronized (s) {
            long counter = s.isDead() ? -1 : s.nextSendCounter(now);
            if (counter == -1) {
                // -1 is never a valid counter (2^64-1 is past REJECT_AFTER_MESSAGES): "may not send".
                return DropReason.KEY_EXPIRED;
            }
            writeHeader(buf, h, s.remoteIndex, counter);
            aead.seal(s.sendKey, nonce(txNonce, counter), buf, 0, 0, HEADROOM, len);
        }
        s.lastSentNanos = now;
        events.sent(now);
        return null;
    }

    @Override
    public DropReason open(ByteBuffer buf, int len, PacketAead aead) {
        if (len < HubWire.TRANSPORT_MIN_BYTES || len > HubWire.MAX_DATAGRAM_BYTES) {
            return DropReason.SIZE;
        }
        // The keypair comes from the datagram itself, not from the lookup's staging, so a receive
        // path that looks up several datagrams before opening them still opens each with its own.
        Session s = table.get(HubWire.getIntLE(buf, HubWire.TRANSPORT_RECEIVER_OFFSET));
        if (s == null || s.owner != this) {
            return DropReason.UNKNOWN_PEER;
        }
        InetSocketAddress src = rxSession == s ? rxSource : null;
        if ((buf.get(1) | buf.get(2) | buf.get(3)) != 0) {
            return DropReason.MAGIC;
        }
        long now = clock.getAsLong();
        if (!s.usable(now)) {
            return DropReason.KEY_EXPIRED;
        }
        long counter = HubWire.getLongLE(buf, HubWire.TRANSPORT_COUNTER_OFFSET);
        if (Long.compareUnsigned(counter, NoiseLimits.REJECT_AFTER_MESSAGES) >= 0 || !s.replay.check(counter)) {
            return DropReason.REPLAY;
        }
        int p = len - HubWire.TRANSPORT_HEADER_BYTES - HubWire.TAG_BYTES;
        boolean ok;
        synchronized (s) {
            if (s.isDead()) {
                return DropReason.KEY_EXPIRED;
            }
            ok = aead.open(s.receiveKey, nonce(rxNonce, counter), buf, 0, 0, HubWire.TRANSPORT_HEADER_BYTES, p);
        }
        if (!ok) {
            return DropReason.AEAD;
        }
        s.replay.commit(counter);
        s.lastReceivedNanos = now;
        packetNanos = now;
        packetSeen = true;
        if (responder && current != s) {
            confirm(s);
        }
        events.received(now);
        Peer pr = peer;
        if (src != null && pr != null && !src.equals(pr.endpoint())) {
            pr.rebind(src);
        }
        if (p == 0) {
            return DropReason.KEEPALIVE;
        }
        int ipLen = AllowedIps.ipLength(buf, HubWire.TRANSPORT_HEADER_BYTES, p);
        if (ipLen < 0) {
            return DropReason.INNER_MALFORMED;
        }
        if (!sources.permits(buf, HubWire.TRANSPORT_HEADER_BYTES, ipLen)) {
            return DropReason.ALLOWED_IPS;
        }
        return null;
    }

    /** The 16-byte transport header at {@code off}, byte by byte (independent of the buffer's byte order). */
    private static void writeHeader(ByteBuffer b, int off, int receiver, long counter) {
        b.put(off, HubWire.TYPE_TRANSPORT)
                .put(off + 1, (byte) 0)
                .put(off + 2, (byte) 0)
                .put(off + 3, (byte) 0);
        HubWire.putIntLE(b, off + HubWire.TRANSPORT_RECEIVER_OFFSET, receiver);
        HubWire.putIntLE(b, off + HubWire.TRANSPORT_COUNTER_OFFSET, (int) counter);
        HubWire.putIntLE(b, off + HubWire.TRANSPORT_COUNTER_OFFSET + 4, (int) (counter >>> 32));
    }

    private static byte[] nonce(byte[] n, long counter) {
        HubWire.putLongLE(n, 4, counter);
        return n;
    }

    /** Responder: the initiator's first transport message on {@code s} makes it current. */
    private void confirm(Session s) {
        Session retired;
        synchronized (this) {
            if (s != next) {
                return;
            }
            retired = previous;
            previous = current;
            current = s;
            next = null;
        }
        if (retired != null) {
            events.retired(retired);
        }
    }

    /**
     * A keypair from a completed handshake: on the responder it becomes {@code next} (retiring an
     * older unconfirmed one), on the initiator {@code current} at once (retiring the old previous).
     * Call before publishing {@code s} in the {@link SessionTable}.
     */
    public void install(Session s) {
        s.owner = this;
        handshakeNanos = s.createdNanos;
        handshaken = true;
        Session retired;
        synchronized (this) {
            if (closed) {
                retired = s;
            } else if (responder) {
                retired = next;
                next = s;
            } else {
                retired = previous;
                previous = current;
                current = s;
            }
        }
        if (retired != null) {
            events.retired(retired);
        }
    }

    /** The keypair used to send, or null. */
    public Session current() {
        return current;
    }

    /** True while a keypair can send. */
    public boolean usable() {
        Session s = current;
        return s != null && s.usable(clock.getAsLong());
    }

    /** Removes and returns every keypair (revocation, credential change); the caller retires them. */
    public synchronized List<Session> clear() {
        List<Session> all = new ArrayList<>(3);
        for (Session s : new Session[] {next, current, previous}) {
            if (s != null) {
                all.add(s);
            }
        }
        next = null;
        current = null;
        previous = null;
        return all;
    }

    /** Forgets {@code s} wherever it is held (expiry). */
    public synchronized void forget(Session s) {
        if (next == s) {
            next = null;
        }
        if (current == s) {
            current = null;
        }
        if (previous == s) {
            previous = null;
        }
    }

    /**
     * A sealed keepalive (transport message with empty plaintext) on the current keypair, or null
     * when there is none. For timer threads: uses its own AEAD, never the packet threads'.
     */
    public synchronized ByteBuffer keepalive() {
        Session s = current;
        if (s == null || closed) {
            return null;
        }
        if (keepaliveAead == null) {
            keepaliveAead = PacketAeads.create(PacketAeads.AUTO);
        }
        long now = clock.getAsLong();
        ByteBuffer b = ByteBuffer.allocateDirect(HubWire.TRANSPORT_MIN_BYTES);
        synchronized (s) {
            long counter = s.isDead() ? -1 : s.nextSendCounter(now);
            if (counter == -1) {
                return null;
            }
            writeHeader(b, 0, s.remoteIndex, counter);
            keepaliveAead.seal(
                    s.sendKey,
                    nonce(new byte[PacketAead.NONCE_BYTES], counter),
                    b,
                    0,
                    0,
                    HubWire.TRANSPORT_HEADER_BYTES,
                    0);
        }
        s.lastSentNanos = now;
        return b.clear();
    }

    /** Wipes every keypair (the device calls this after its threads stopped). */
    @Override
    public void close() {
        List<Session> all;
        synchronized (this) {
            closed = true;
            if (keepaliveAead != null) {
                keepaliveAead.close();
                keepaliveAead = null;
            }
        }
        all = clear();
        for (Session s : all) {
            events.retired(s);
        }
    }
}
