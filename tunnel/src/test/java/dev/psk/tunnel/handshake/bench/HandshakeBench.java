package dev.psk.tunnel.handshake.bench;

import dev.psk.tunnel.handshake.HandshakeConfig;
import dev.psk.tunnel.handshake.HandshakeCounters;
import dev.psk.tunnel.handshake.HandshakeDrop;
import dev.psk.tunnel.handshake.HandshakeEvents;
import dev.psk.tunnel.handshake.HandshakeKeys;
import dev.psk.tunnel.handshake.HandshakeMode;
import dev.psk.tunnel.handshake.HandshakeWire;
import dev.psk.tunnel.handshake.Initiator;
import dev.psk.tunnel.handshake.LocalIdentity;
import dev.psk.tunnel.handshake.PeerTrust;
import dev.psk.tunnel.handshake.Responder;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Handshake cost, one thread: (1) the responder rejecting a HELLO whose MAC is wrong (validate,
 * fingerprint compare, HMAC-SHA256, constant-time compare, counter); (1b) the responder answering a
 * replayed genuine HELLO from an address without a cookie; (2) complete handshakes, both
 * ends in this thread, in psk mode and in signed mode with a software P-256 key or a SoftHSM2 token
 * ({@link SignerFactory}: {@code -Dpsk.bench.signer=soft|softhsm}).
 * Run: scripts/bench-handshake.sh (docs/benchmarks.md, section handshake).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class HandshakeBench {
    static final InetSocketAddress A = new InetSocketAddress("10.9.0.1", 5000);
    static final InetSocketAddress B = new InetSocketAddress("10.9.0.2", 6000);

    @Param({"psk", "signed"})
    public String mode;

    private final ArrayDeque<Object[]> queue = new ArrayDeque<>();
    private Initiator init;
    private Responder resp;
    private byte[] badHello;
    private byte[] replayedHello;
    static final InetSocketAddress EVIL = new InetSocketAddress("10.9.0.66", 7000);

    @Setup
    public void setup() throws Exception {
        byte[] slot = new byte[120];
        new SecureRandom().nextBytes(slot);
        HandshakeMode m = HandshakeMode.parse(mode);
        LocalIdentity idI;
        LocalIdentity idR;
        PeerTrust trustI;
        PeerTrust trustR;
        if (m == HandshakeMode.SIGNED) {
            SignerFactory.Pair p = SignerFactory.create();
            idI = p.initiator();
            idR = p.responder();
            trustI = p.trustOfInitiator();
            trustR = p.trustOfResponder();
        } else {
            idI = LocalIdentity.none(new byte[0]);
            idR = LocalIdentity.none(new byte[0]);
            trustI = PeerTrust.any();
            trustR = PeerTrust.any();
        }
        InstantSource clock = InstantSource.system();
        HandshakeEvents none = new HandshakeEvents() {};
        init = new Initiator(
                new HandshakeConfig(
                        m, HandshakeKeys.fromControlSlot(slot), idI, trustI, null, null, clock, new SecureRandom()),
                (to, b) -> queue.add(new Object[] {A, to, b}),
                none,
                new HandshakeCounters());
        resp = new Responder(
                new HandshakeConfig(
                        m, HandshakeKeys.fromControlSlot(slot), idR, trustR, null, null, clock, new SecureRandom()),
                (to, b) -> queue.add(new Object[] {B, to, b}),
                none,
                new HandshakeCounters(),
                new dev.psk.tunnel.ratelimit.RateLimiter<>(1_000_000_000, 1_000_000, 1 << 20, System::nanoTime));
        init.start(B);
        replayedHello = ((byte[]) queue.poll()[2]).clone();
        badHello = replayedHello.clone();
        badHello[HandshakeWire.HELLO_OFF_NONCE_I] ^= 1;
        queue.clear();
    }

    @Benchmark
    public HandshakeDrop rejectHelloWithBadMac() {
        return resp.receive(A, badHello, badHello.length);
    }

    /** A genuine HELLO replayed from an address that has no cookie: MAC, cookie HMAC, a 96-byte COOKIE, no state. */
    @Benchmark
    public HandshakeDrop cookieForReplayedHello() {
        queue.clear();
        return resp.receive(EVIL, replayedHello, replayedHello.length);
    }

    /** Both ends, one thread: HELLO, WELCOME, CONFIRM (the cookie is reused after the first), two X25519 key pairs and agreements. */
    @Benchmark
    public Initiator.State fullHandshake() {
        init.start(B);
        while (!queue.isEmpty()) {
            Object[] d = queue.poll();
            byte[] bytes = (byte[]) d[2];
            if (d[1].equals(B)) {
                resp.receive((InetSocketAddress) d[0], bytes, bytes.length);
            } else {
                init.receive((InetSocketAddress) d[0], bytes, bytes.length);
            }
        }
        return init.state();
    }
}
