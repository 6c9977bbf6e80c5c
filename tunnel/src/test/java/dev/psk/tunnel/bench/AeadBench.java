package dev.psk.tunnel.bench;

import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.pad.SlotKeys;
import dev.psk.tunnel.wire.Psk2Packet;
import dev.psk.tunnel.wire.Psk2Wire;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * PSK2 packet crypto per core: {@code seal} (header + ChaCha20-Poly1305 in place) and
 * {@code sealOpen} (seal, then verify and decrypt in place, as the two ends of a tunnel do) of one
 * payload, for each AEAD backend. Run with {@code -prof gc} to see bytes allocated per operation.
 * Run: scripts/bench-aead.sh (docs/benchmarks.md, section tunnel).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class AeadBench {
    @Param({"openssl", "jce"})
    public String backend;

    @Param({"1420"})
    public int size;

    private PacketAead sender;
    private PacketAead receiver;
    private SlotKeys tx;
    private SlotKeys rx;
    private ByteBuffer buf;
    private final byte[] nonce = new byte[Psk2Wire.NONCE_BYTES];
    private long seq;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] slot = new byte[Psk2Wire.SLOT_BYTES];
        new SplittableRandom(1).nextBytes(slot);
        tx = SlotKeys.fromSlot(slot, 0, 0);
        rx = SlotKeys.fromSlot(slot, 0, 0);
        sender = PacketAeads.create(backend);
        receiver = PacketAeads.create(backend);
        buf = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sender.close();
        receiver.close();
    }

    @Benchmark
    public int seal() {
        // Fresh sequence each time: one (key, nonce) is never sealed twice, as in the tunnel.
        return Psk2Packet.seal(buf, tx, seq++, size, sender, nonce);
    }

    @Benchmark
    public boolean sealOpen() {
        long s = seq++;
        int len = Psk2Packet.seal(buf, tx, s, size, sender, nonce);
        return Psk2Packet.open(buf, len, rx, s, receiver, nonce);
    }
}
