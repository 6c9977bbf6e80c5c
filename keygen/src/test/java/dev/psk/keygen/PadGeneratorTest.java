package dev.psk.keygen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.Hex;
import dev.psk.common.pad.PadLayout;
import dev.psk.keygen.health.HealthTestFailure;
import dev.psk.keygen.health.HealthTestParameters;
import dev.psk.keygen.source.EntropySourceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PadGeneratorTest {
    private static final HealthTestParameters H7 = HealthTestParameters.forMinEntropy(7);

    @TempDir
    Path dir;

    @Test
    void writesWholeSlotsWithMode0600AndAMatchingSidecar() throws Exception {
        Path out = dir.resolve("pad.bin");
        List<Long> progress = new ArrayList<>();
        PadGenerator.Result r = new PadGenerator(new FakeSource(1, 64 << 10), H7, (d, t) -> progress.add(d), null)
                .generate(out, PadSize.parse("1MiB"), false);
        assertThat(Files.size(out)).isEqualTo(1048560).isEqualTo(r.bytes());
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        byte[] content = Files.readAllBytes(out);
        assertThat(r.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
        assertThat(Files.readString(Sidecar.pathFor(out))).isEqualTo(Hex.encode(r.sha256()) + "  pad.bin\n");
        // the checksum is not secret and is meant to be compared by others (docs/keygen.md, deployment.md)
        assertThat(Files.getPosixFilePermissions(Sidecar.pathFor(out)))
                .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(progress).isNotEmpty().isSorted().last().isEqualTo(1048560L);
        assertThat(onlyFiles()).containsExactlyInAnyOrder("pad.bin", "pad.bin.sha256");
        // Same seed, same bytes: the pad is the source's stream in order, nothing added or dropped.
        byte[] expected = new byte[content.length];
        java.util.Random rnd = new java.util.Random(1);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) rnd.nextInt(256);
        }
        assertThat(java.util.Arrays.equals(content, expected)).isTrue();
    }

    @Test
    void aPadOfOneSlotIsExactlyOneSlot() throws Exception {
        Path out = dir.resolve("one.bin");
        new PadGenerator(new FakeSource(2, 4096), H7, null, null).generate(out, PadSize.ofBytes(200), false);
        assertThat(Files.size(out)).isEqualTo(PadLayout.SLOT_BYTES);
    }

    @Test
    void existingPadOrSidecarIsRefusedWithoutForceAndReplacedWithIt() throws Exception {
        Path out = dir.resolve("pad.bin");
        Files.writeString(out, "old pad");
        assertThatThrownBy(() -> gen(new FakeSource(3, 4096)).generate(out, PadSize.ofBytes(1200), false))
                .isInstanceOf(PadWriteException.class)
                .hasMessageContaining("already exists (use --force");
        assertThat(Files.readString(out)).isEqualTo("old pad");
        assertThat(onlyFiles()).containsExactly("pad.bin");

        Path other = dir.resolve("other.bin");
        Files.writeString(Sidecar.pathFor(other), "stale");
        assertThatThrownBy(() -> gen(new FakeSource(3, 4096)).generate(other, PadSize.ofBytes(1200), false))
                .isInstanceOf(PadWriteException.class)
                .hasMessageContaining("other.bin.sha256 already exists");
        assertThat(Files.exists(other)).isFalse();

        gen(new FakeSource(3, 4096)).generate(out, PadSize.ofBytes(1200), true);
        assertThat(Files.size(out)).isEqualTo(1200);
        assertThat(PadVerifier.verify(out).bytes()).isEqualTo(1200);
    }

    @Test
    void diskFullMidWayLeavesNothingAndKeepsTheOldPad() throws Exception {
        Path out = dir.resolve("pad.bin");
        Files.writeString(out, "old pad");
        Files.writeString(Sidecar.pathFor(out), "old sidecar");
        AtomicLong written = new AtomicLong();
        PadGenerator g = gen(new FakeSource(4, 4096)).withSink((ch, buf) -> {
            if (written.addAndGet(buf.remaining()) > 20_000) {
                throw new IOException("No space left on device");
            }
            PadGenerator.writeFully(ch, buf);
        });
        assertThatThrownBy(() -> g.generate(out, PadSize.ofBytes(120_000), true))
                .isInstanceOf(PadWriteException.class)
                .hasMessage("cannot write " + out + ": no space left on device");
        assertThat(Files.readString(out)).isEqualTo("old pad");
        assertThat(Files.readString(Sidecar.pathFor(out))).isEqualTo("old sidecar");
        assertThat(onlyFiles()).containsExactlyInAnyOrder("pad.bin", "pad.bin.sha256");
    }

    @Test
    void stuckSourceAbortsWithNoPad() throws Exception {
        Path out = dir.resolve("pad.bin");
        assertThatThrownBy(() ->
                        gen(new FakeSource(5, 4096).stuckFrom(50_000)).generate(out, PadSize.ofBytes(120_000), false))
                .isInstanceOfSatisfying(
                        HealthTestFailure.class, f -> assertThat(f.offset()).isBetween(50_005L, 50_006L));
        assertThat(onlyFiles()).isEmpty();
    }

    @Test
    void failingSourceAbortsWithNoPad() throws Exception {
        Path out = dir.resolve("pad.bin");
        assertThatThrownBy(() ->
                        gen(new FakeSource(6, 4096).failFrom(70_000)).generate(out, PadSize.ofBytes(120_000), false))
                .isInstanceOf(EntropySourceException.class)
                .hasMessageContaining("broke at byte 70000");
        assertThat(onlyFiles()).isEmpty();
    }

    @Test
    void cancellationBeforeCommitLeavesNothing() throws Exception {
        Path out = dir.resolve("pad.bin");
        Cancellation c = new Cancellation();
        PadGenerator g = new PadGenerator(
                new FakeSource(7, 4096).slow(5),
                H7,
                (d, t) -> {
                    if (d >= 40_000) {
                        c.cancel();
                    }
                },
                c);
        assertThatThrownBy(() -> g.generate(out, PadSize.ofBytes(1_200_000), false))
                .isInstanceOf(GenerationCancelledException.class)
                .hasMessage("interrupted: no pad written");
        assertThat(onlyFiles()).isEmpty();
    }

    @Test
    void cancellationAfterTheCommitPointFinishesTheWrite() throws Exception {
        Cancellation c = new Cancellation();
        c.beginCommit();
        assertThat(c.cancel()).isFalse();
        assertThat(c.isCancelled()).isFalse();
        Cancellation early = new Cancellation();
        assertThat(early.cancel()).isTrue();
        assertThatThrownBy(early::beginCommit).isInstanceOf(GenerationCancelledException.class);
    }

    @Test
    void missingDirectoryIsNamed() throws Exception {
        Path out = dir.resolve("no/such/dir/pad.bin");
        assertThatThrownBy(() -> gen(new FakeSource(8, 4096)).generate(out, PadSize.ofBytes(1200), false))
                .isInstanceOf(PadWriteException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void directoryAsOutIsRefused() throws Exception {
        Path out = Files.createDirectory(dir.resolve("sub"));
        assertThatThrownBy(() -> gen(new FakeSource(8, 4096)).generate(out, PadSize.ofBytes(1200), true))
                .isInstanceOf(PadWriteException.class)
                .hasMessageContaining("is a directory");
    }

    @Test
    void parallelReadersProduceAFullPadWhoseHashMatches() throws Exception {
        Path out = dir.resolve("par.bin");
        PadGenerator.Result r = new PadGenerator(new dev.psk.keygen.source.SystemSource(3), H7, null, null)
                .generate(out, PadSize.parse("20MiB"), false);
        assertThat(Files.size(out)).isEqualTo(PadSize.parse("20MiB").bytes());
        assertThat(PadVerifier.sha256(out)).isEqualTo(r.sha256());
        assertThat(Files.readString(Sidecar.pathFor(out), StandardCharsets.UTF_8))
                .startsWith(Hex.encode(r.sha256()));
    }

    private static PadGenerator gen(FakeSource s) {
        return new PadGenerator(s, H7, null, null);
    }

    private List<String> onlyFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
