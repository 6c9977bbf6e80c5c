package dev.psk.tunnel.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.session.Psk2Session;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The receive path must never throw, whatever arrives: a Jazzer target (in {@code mvn verify} it
 * replays src/test/resources/.../Psk2ReceiveFuzzTestInputs; JAZZER_FUZZ=1 fuzzes), plus a seeded
 * mutation test of genuine packets that always runs. The responder session uses the conformance
 * pad, so corpus entries taken from the vectors reach the AEAD and replay stages.
 */
class Psk2ReceiveFuzzTest {
    private static final Psk2Session RESPONDER;
    private static final PacketAead AEAD = PacketAeads.create(PacketAeads.AUTO);
    private static final ByteBuffer BUF = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
    private static final byte[] VALID;

    static {
        try {
            var root = JsonMapper.builder()
                    .build()
                    .readTree(SharedVectors.file(null, "psk2-packets.json").toFile());
            Path dir = Files.createTempDirectory("psk2-fuzz");
            dir.toFile().deleteOnExit();
            Path pad = dir.resolve("pad");
            Files.write(pad, Hex.decode(root.get("pad_hex").asString()));
            pad.toFile().deleteOnExit();
            dir.resolve("state.json").toFile().deleteOnExit();
            RESPONDER = Psk2Session.open(
                    PadFile.open(pad, false), dir.resolve("state.json"), Role.RESPONDER, 4096, m -> {});
            VALID = Hex.decode(root.get("packets").get(1).get("packet").asString());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static DropReason deliver(byte[] data) {
        int len = Math.min(data.length, BUF.capacity());
        BUF.clear();
        BUF.put(0, data, 0, len);
        return RESPONDER.open(BUF, len, AEAD);
    }

    @FuzzTest(maxDuration = "30s")
    void receive(byte[] data) {
        deliver(data); // must not throw; any DropReason (or acceptance) is fine
    }

    @Test
    void seededMutationsOfAGenuinePacketNeverThrowAndNeverPass() {
        SplittableRandom rnd = new SplittableRandom(0x5eed);
        int accepted = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] m = VALID.clone();
            int kind = rnd.nextInt(4);
            if (kind == 0) {
                m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
            } else if (kind == 1) {
                m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length + 64));
            } else if (kind == 2) {
                for (int j = 0; j < 1 + rnd.nextInt(8); j++) {
                    m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                }
            } else {
                m = new byte[rnd.nextInt(200)];
                rnd.nextBytes(m);
                if (m.length >= 4 && rnd.nextBoolean()) {
                    ByteBuffer.wrap(m).putInt(0, Psk2Wire.MAGIC);
                }
            }
            if (deliver(m) == null) {
                accepted++;
            }
        }
        // Only the unmodified packet could pass, and at most once (then it is a replay).
        assertThat(accepted).isLessThanOrEqualTo(1);
    }
}
