package dev.psk.keygen;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.psk.common.state.StateFileException;
import dev.psk.common.state.TunnelState;
import dev.psk.common.state.TunnelStateFile;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz targets for the three text parsers of psk-keygen. A plain {@code mvn verify} replays
 * the seed corpus in src/test/resources/dev/psk/keygen/ParsersFuzzTestInputs as regression tests;
 * JAZZER_FUZZ=1 fuzzes. Property: each parser either returns a value that satisfies its contract
 * or throws its one documented exception type, never anything else.
 *
 * <p>{@link #seededMutationsOfTheCorpus} adds 4,500 seeded random mutations of the corpus on every
 * build (about a second); coverage-guided runs are scripts/fuzz.sh (docs/fuzzing.md).
 */
class ParsersFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void padSize(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            PadSize s = PadSize.parse(text);
            assertThat(s.bytes() % 120).isZero();
            assertThat(s.bytes()).isPositive().isLessThanOrEqualTo(s.requestedBytes());
            assertThat(s.requestedBytes()).isLessThanOrEqualTo(PadSize.MAX_BYTES);
            assertThat(new PadCapacity(s.bytes()).packetsBothDirections()).isPositive();
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).startsWith("size");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void sidecar(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            Sidecar s = Sidecar.parse(text, "f");
            assertThat(Sidecar.parse(Sidecar.line(s.sha256(), s.fileName()), "f"))
                    .satisfies(again -> {
                        assertThat(again.fileName()).isEqualTo(s.fileName());
                        assertThat(again.sha256()).isEqualTo(s.sha256());
                    });
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).startsWith("f: ");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void tunnelState(byte[] data) {
        try {
            TunnelState s = TunnelStateFile.parse(data, "s");
            assertThat(s.padFingerprint()).hasSize(32);
            assertThat(s.txReservedUntil()).isNotNegative();
            assertThat(s.rxFloor()).isNotNegative();
            assertThat(s.erasedSlots()).isNotNegative();
        } catch (StateFileException expected) {
            assertThat(expected.getMessage()).startsWith("s: ");
        }
    }

    @org.junit.jupiter.api.Test
    void seededMutationsOfTheCorpus() throws java.io.IOException {
        java.util.Random r = new java.util.Random(20261122);
        java.nio.file.Path corpus = java.nio.file.Path.of("src/test/resources/dev/psk/keygen/ParsersFuzzTestInputs");
        for (String target : java.util.List.of("padSize", "sidecar", "tunnelState")) {
            java.util.List<byte[]> seeds = new java.util.ArrayList<>();
            try (var files = java.nio.file.Files.list(corpus.resolve(target))) {
                for (java.nio.file.Path f : files.toList()) {
                    seeds.add(java.nio.file.Files.readAllBytes(f));
                }
            }
            assertThat(seeds).isNotEmpty();
            for (int i = 0; i < 1_500; i++) {
                byte[] m = mutate(seeds.get(r.nextInt(seeds.size())), r);
                switch (target) {
                    case "padSize" -> padSize(m);
                    case "sidecar" -> sidecar(m);
                    default -> tunnelState(m);
                }
            }
        }
    }

    private static byte[] mutate(byte[] seed, java.util.Random r) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(seed);
        byte[] a = b.toByteArray();
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
            int at = a.length == 0 ? 0 : r.nextInt(a.length);
            switch (r.nextInt(4)) {
                case 0 -> {
                    if (a.length > 0) a[at] = (byte) r.nextInt(256);
                }
                case 1 -> {
                    if (a.length > 0) a[at] = (byte) "0123456789\"{}:,.-eE kKmMgGiBb*\n".charAt(r.nextInt(31));
                }
                case 2 ->
                    a = java.util.Arrays.copyOf(
                            a, Math.max(0, a.length - 1 - r.nextInt(Math.max(1, a.length / 4 + 1))));
                default -> {
                    byte[] longer = java.util.Arrays.copyOf(a, a.length + 1);
                    System.arraycopy(a, at, longer, at + 1, a.length - at);
                    longer[at] = (byte) r.nextInt(128);
                    a = longer;
                }
            }
        }
        return a;
    }
}
