package dev.psk.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.OpenSslChaCha20Poly1305;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.testing.TestPads;
import dev.psk.tunnel.wire.Psk2Wire;
import dev.psk.tunnel.wire.Role;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-packet claim, measured: with the libcrypto backend, sealing and opening through a
 * {@link Psk2Session} allocates nothing per packet; what remains is one {@code SlotKeys} per
 * 1000 packets per direction (about 0.2 bytes per packet). Garbage packets (bad auth tag, bad
 * Poly1305 tag) allocate nothing at all.
 */
class PacketPathAllocationTest {
    @TempDir
    Path dir;

    private static final byte[] COPY = new byte[Psk2Wire.BUFFER_BYTES];
    private static final ThreadMXBean MX = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void sealAndOpenAllocateLessThanOneBytePerPacket() throws Exception {
        Assumptions.assumeTrue(OpenSslChaCha20Poly1305.unavailableReason().isEmpty(), "libcrypto not loadable");
        Path pad = TestPads.create(dir, "pad", 300, 1);
        try (PadFile p = PadFile.open(pad); PacketAead tx = PacketAeads.create("openssl"); PacketAead rx = PacketAeads.create("openssl")) {
            Psk2Session a = Psk2Session.open(p, dir.resolve("a.json"), Role.INITIATOR, 4096, m -> {});
            Psk2Session b = Psk2Session.open(p, dir.resolve("b.json"), Role.RESPONDER, 4096, m -> {});
            ByteBuffer buf = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
            ByteBuffer bad = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
            run(a, b, buf, bad, tx, rx, 150_000); // warm-up: JIT compilation
            long tid = Thread.currentThread().threadId();
            long before = MX.getThreadAllocatedBytes(tid);
            int n = 100_000; // with the warm-up: 250 slots of 300
            run(a, b, buf, bad, tx, rx, n);
            long perPacket = (MX.getThreadAllocatedBytes(tid) - before) / n;
            assertThat(perPacket).as("bytes allocated per packet (seal + open + 2 forged)").isLessThan(1);
            a.close();
            b.close();
        }
    }

    private static void run(Psk2Session a, Psk2Session b, ByteBuffer buf, ByteBuffer bad, PacketAead tx, PacketAead rx, int n) {
        for (int i = 0; i < n; i++) {
            if (a.seal(buf, 1000, tx) != null) {
                throw new AssertionError("seal failed");
            }
            int len = 1000 + Psk2Wire.OVERHEAD_BYTES;
            buf.get(0, COPY, 0, len);
            bad.put(0, COPY, 0, len);
            bad.put(40, (byte) (bad.get(40) ^ 1)); // ciphertext bit flip: fails at the AEAD
            if (b.open(bad, len, rx) != DropReason.AEAD) {
                throw new AssertionError("forged packet not dropped as AEAD");
            }
            bad.put(Psk2Wire.AUTH_TAG_OFFSET, (byte) (bad.get(Psk2Wire.AUTH_TAG_OFFSET) ^ 1));
            if (b.open(bad, len, rx) != DropReason.AUTH_TAG) {
                throw new AssertionError("bad auth tag not dropped");
            }
            if (b.open(buf, len, rx) != null) {
                throw new AssertionError("genuine packet dropped");
            }
        }
    }
}
