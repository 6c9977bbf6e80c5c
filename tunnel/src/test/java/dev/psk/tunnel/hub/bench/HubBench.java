package dev.psk.tunnel.hub.bench;

import dev.psk.tunnel.crypto.PresharedKey;
import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.crypto.X25519PublicKey;
import dev.psk.tunnel.hub.CookieChecker;
import dev.psk.tunnel.hub.CookieGenerator;
import dev.psk.tunnel.hub.HubWire;
import dev.psk.tunnel.hub.Tai64n;
import dev.psk.tunnel.noise.CipherState;
import dev.psk.tunnel.noise.IkPsk2Handshake;
import dev.psk.tunnel.noise.NoiseException;
import dev.psk.tunnel.noise.StaticKeyChecks;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hub handshake costs per core (JMH, one thread):
 * <ul>
 *   <li>{@code respond}: what the hub spends on one admitted client: read message 1 (2 DH, the
 *       static-static one cached per client as the hub does), write message 2 (2 DH and the
 *       ephemeral key), split;</li>
 *   <li>{@code respondUncached}: the same computing the static-static DH every time (the hub
 *       before the cache, and a client's first handshake);</li>
 *   <li>{@code fullHandshake}: both ends on one core;</li>
 *   <li>{@code unknownKeyRefused}: a message 1 with a valid mac1 from an unknown key (1 DH, one
 *       decryption, then the lookup refuses);</li>
 *   <li>{@code badMac1Refused}: a message 1 whose mac1 is wrong, refused by the header and mac1
 *       checks the hub's receive thread runs first (no DH). Target: over 200,000/s.</li>
 * </ul>
 * Run: scripts/bench-hub.sh
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class HubBench {
    X25519PrivateKey hubPriv;
    X25519PublicKey hubPub;
    X25519PrivateKey clientPriv;
    PresharedKey psk;
    byte[] noise1;
    byte[] badMac;
    CookieChecker checker;
    byte[] staticStatic;
    IkPsk2Handshake.StaticKeyCheck cached;

    @Setup
    public void setUp() throws NoiseException {
        hubPriv = X25519.generatePrivateKey();
        hubPub = X25519.publicKey(hubPriv);
        clientPriv = X25519.generatePrivateKey();
        byte[] p = new byte[PresharedKey.KEY_BYTES];
        new java.security.SecureRandom().nextBytes(p);
        psk = PresharedKey.takeOwnership(p);
        noise1 = IkPsk2Handshake.initiator(HubWire.PROLOGUE, clientPriv, hubPub, psk)
                .writeMessage1(Tai64n.encode(Instant.now()));
        byte[] msg = new byte[HubWire.INITIATION_MIN_BYTES];
        msg[0] = HubWire.TYPE_INITIATION;
        System.arraycopy(noise1, 0, msg, HubWire.INIT_NOISE_OFFSET, noise1.length);
        new CookieGenerator(hubPub.bytes()).addMacs(msg, msg.length);
        msg[HubWire.mac1Offset(msg.length)] ^= 1;
        badMac = msg;
        checker = new CookieChecker(hubPub.bytes());
        try {
            staticStatic = X25519.agree(hubPriv, X25519.publicKey(clientPriv)).copy();
        } catch (dev.psk.tunnel.crypto.LowOrderPointException e) {
            throw new IllegalStateException(e);
        }
        cached = StaticKeyChecks.withStaticStatic(psk, staticStatic);
    }

    @Benchmark
    public CipherState[] respond() throws NoiseException {
        IkPsk2Handshake r = IkPsk2Handshake.responder(HubWire.PROLOGUE, hubPriv, hubPub);
        r.readMessage1(noise1, cached);
        r.writeMessage2(new byte[0]);
        return r.split();
    }

    @Benchmark
    public CipherState[] respondUncached() throws NoiseException {
        IkPsk2Handshake r = IkPsk2Handshake.responder(HubWire.PROLOGUE, hubPriv, hubPub);
        r.readMessage1(noise1, k -> psk);
        r.writeMessage2(new byte[0]);
        return r.split();
    }

    @Benchmark
    public CipherState[] fullHandshake() throws NoiseException {
        IkPsk2Handshake i = IkPsk2Handshake.initiator(HubWire.PROLOGUE, clientPriv, hubPub, psk);
        IkPsk2Handshake r = IkPsk2Handshake.responder(HubWire.PROLOGUE, hubPriv, hubPub);
        r.readMessage1(i.writeMessage1(new byte[Tai64n.BYTES]), k -> psk);
        i.readMessage2(r.writeMessage2(new byte[0]));
        r.split();
        return i.split();
    }

    @Benchmark
    public boolean unknownKeyRefused() {
        IkPsk2Handshake r;
        try {
            r = IkPsk2Handshake.responder(HubWire.PROLOGUE, hubPriv, hubPub);
            r.readMessage1(noise1, k -> {
                throw new NoiseException(NoiseException.Reason.UNKNOWN_STATIC_KEY, "unknown");
            });
            return true;
        } catch (NoiseException e) {
            return false;
        }
    }

    @Benchmark
    public boolean badMac1Refused() {
        byte[] m = badMac;
        int n = m.length;
        return n >= HubWire.INITIATION_MIN_BYTES
                && n <= HubWire.INITIATION_MAX_BYTES
                && m[0] == HubWire.TYPE_INITIATION
                && m[1] == 0
                && m[2] == 0
                && m[3] == 0
                && checker.checkMac1(m, n);
    }
}
