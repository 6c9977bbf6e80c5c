package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.testing.Processes;
import dev.psk.common.testing.SharedVectors;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The independent Python peer used for interop must itself agree with the shared vectors, or the
 * interop suite proves nothing. Accepts another vector file through -Dpsk2.vectors=FILE.
 */
class Psk2PeerVectorsTest {
    @Test
    void pythonPeerPassesEveryVector() throws Exception {
        var vectors = SharedVectors.file("psk2.vectors", "psk2-packets.json");
        var peer = ScriptRunner.projectDir().resolve("tests/peers/psk2_peer.py");
        var r = Processes.run(
                List.of(ScriptRunner.python(), peer.toString(), "--self-test", "--vectors", vectors.toString()),
                null,
                null,
                Duration.ofMinutes(1));
        System.out.print(r.stdout());
        assertThat(r.stdout()).as(r.stdout() + r.stderr()).containsPattern("psk2 vectors: \\d+ passed, 0 failed");
        assertThat(r.exitCode()).isZero();
    }
}
