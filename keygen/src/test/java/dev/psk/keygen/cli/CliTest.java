package dev.psk.keygen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.common.pad.PadLayout;
import dev.psk.common.testing.Processes;
import dev.psk.keygen.TunnelStateTest;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {
    @TempDir
    Path dir;

    private Path generate(String name, String size) {
        Path pad = dir.resolve(name);
        Cli r = Cli.run("generate", pad.toString(), "--size", size);
        assertThat(r.exit()).as(r.err()).isZero();
        return pad;
    }

    @Test
    void generatePrintsSlotsCapacityAndThroughputAndSha256sumAgrees() throws Exception {
        Path pad = dir.resolve("pad.bin");
        Cli r = Cli.run("generate", pad.toString(), "--size", "12MiB");
        assertThat(r.exit()).as(r.err()).isZero();
        // not a terminal: no progress bar; at most the slow-run progress lines (a loaded machine)
        assertThat(r.err().lines().filter(l -> !l.matches("psk-keygen: .* of .*, about \\d+ s left")))
                .isEmpty();
        assertThat(r.out())
                .contains("104,857 slots of 120 bytes = 12,582,840 bytes")
                .contains("72 bytes of the 12,582,912 requested rounded off")
                .contains("capacity: 104,857,000 packets per direction, 209,714,000 in both directions")
                .contains("control slot: 104,856 data slots = 104,856,000 packets per direction")
                .contains("checksum: pad.bin.sha256")
                .contains("health tests passed (H=7.0 bits/byte, alpha=2^-40, RCT cutoff 7, APT cutoff 26/512)")
                .containsPattern("throughput: 12\\.00 MiB in [0-9.]+ s = [0-9.]+ MB/s");
        Processes.Result check =
                Processes.run(List.of("sha256sum", "-c", "pad.bin.sha256"), null, dir, Duration.ofMinutes(1));
        assertThat(check.exitCode()).as(check.stderr()).isZero();
        assertThat(check.stdout()).isEqualTo("pad.bin: OK\n");
        // and sha256sum's own output is what we wrote
        Processes.Result sum = Processes.run(List.of("sha256sum", "pad.bin"), null, dir, Duration.ofMinutes(1));
        assertThat(Files.readString(dir.resolve("pad.bin.sha256"))).isEqualTo(sum.stdout());
    }

    @Test
    void oneGibibyteRequestReportsTheSeedsSlotCount() {
        // Capacity text only: --size 1GiB of a 1-slot generation would take too long; the formula is shared.
        Cli r = Cli.run("generate", dir.resolve("x").toString(), "--size", "119");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("less than one 120-byte slot");
        assertThat(r.oneLineError()).as(r.err()).isTrue();
    }

    @Test
    void verifyAcceptsAFreshPad() {
        Path pad = generate("pad.bin", "1MiB");
        Cli r = Cli.run("verify", pad.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("OK (8,738 slots");
    }

    @Test
    void verifyRejectsAFlippedByte() throws Exception {
        Path pad = generate("pad.bin", "1MiB");
        try (RandomAccessFile f = new RandomAccessFile(pad.toFile(), "rw")) {
            f.seek(5000);
            int b = f.read();
            f.seek(5000);
            f.write(b ^ 1);
        }
        Cli r = Cli.run("verify", pad.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("does not match").doesNotContain("erased");
        assertThat(r.oneLineError()).as(r.err()).isTrue();
    }

    @Test
    void verifySaysWhenThePadLooksErasedByTheTunnel() throws Exception {
        Path pad = generate("pad.bin", "1MiB");
        try (RandomAccessFile f = new RandomAccessFile(pad.toFile(), "rw")) {
            f.write(new byte[PadLayout.SLOT_BYTES * 3]);
        }
        Cli r = Cli.run("verify", pad.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("does not match").contains("psk-tunnel has erased used slots");
    }

    @Test
    void verifyRejectsMissingSidecarOtherFileAndPartialSlot() throws Exception {
        Path pad = generate("pad.bin", "1MiB");
        Path sidecar = dir.resolve("pad.bin.sha256");
        String good = Files.readString(sidecar);

        Files.writeString(sidecar, good.replace("pad.bin", "other.bin"));
        Cli other = Cli.run("verify", pad.toString());
        assertThat(other.exit()).isEqualTo(1);
        assertThat(other.err()).contains("is the checksum of 'other.bin', not of 'pad.bin'");

        Files.delete(sidecar);
        Cli missing = Cli.run("verify", pad.toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no checksum file").contains("pad.bin.sha256");

        Files.write(pad, new byte[7], java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(
                sidecar,
                Processes.run(List.of("sha256sum", "pad.bin"), null, dir, Duration.ofMinutes(1))
                        .stdout());
        Cli partial = Cli.run("verify", pad.toString());
        assertThat(partial.exit()).isEqualTo(1);
        assertThat(partial.err()).contains("not a whole number of 120-byte slots (7 bytes past the last slot)");

        Files.writeString(sidecar, "garbage\n");
        Cli malformed = Cli.run("verify", pad.toString());
        assertThat(malformed.exit()).isEqualTo(1);
        assertThat(malformed.err()).contains("sha256sum format");

        Cli noPad = Cli.run("verify", dir.resolve("nothing.bin").toString());
        assertThat(noPad.exit()).isEqualTo(1);
        assertThat(noPad.err()).contains("no such file");
        for (Cli c : List.of(other, missing, partial, malformed, noPad)) {
            assertThat(c.oneLineError()).as(c.err()).isTrue();
        }
    }

    @Test
    void verifyAcceptsASidecarMadeBySha256sum() throws Exception {
        Path pad = generate("pad.bin", "1MiB");
        Files.writeString(
                dir.resolve("pad.bin.sha256"),
                Processes.run(List.of("sha256sum", "-b", "pad.bin"), null, dir, Duration.ofMinutes(1))
                        .stdout());
        assertThat(Cli.run("verify", pad.toString()).exit()).isZero();
    }

    @Test
    void infoShowsCapacityAndTheControlSlotFingerprint() throws Exception {
        Path pad = generate("pad.bin", "1200");
        byte[] all = Files.readAllBytes(pad);
        String fp = Hex.encode(PadLayout.fingerprint(Arrays.copyOfRange(all, 1080, 1200)));
        Cli r = Cli.run("info", pad.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("1,200 bytes")
                .contains("= 10 slots")
                .contains("capacity: 10,000 packets per direction, 20,000 in both directions")
                .contains("9 data slots = 9,000 packets per direction")
                .contains("fingerprint: " + fp);
    }

    @Test
    void infoWithStateShowsUsedAndRemaining() throws Exception {
        Path pad = generate("pad.bin", "1200");
        String fp = Hex.encode(PadLayout.fingerprint(Arrays.copyOfRange(Files.readAllBytes(pad), 1080, 1200)));
        Path state = dir.resolve("state.json");
        Files.writeString(
                state, TunnelStateTest.state("initiator", 2500, 999, 1).replace(TunnelStateTest.FP, fp));
        Cli r = Cli.run("info", pad.toString(), "--state", state.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("state: " + state + " (initiator)")
                .contains("send A->B: 3 slots used (tx_reserved_until 2,500), 6 slots = 6,500 packets remaining")
                .contains("receive B->A: 1 slots used (rx_floor 999), 8 slots = 8,001 packets remaining")
                .contains("erased: slots [0, 1) overwritten (120 bytes)");
    }

    @Test
    void infoJsonCarriesTheSameFiguresAsTheText() throws Exception {
        Path pad = generate("pad.bin", "1200");
        String fp = Hex.encode(PadLayout.fingerprint(Arrays.copyOfRange(Files.readAllBytes(pad), 1080, 1200)));
        Path state = dir.resolve("state.json");
        Files.writeString(
                state, TunnelStateTest.state("initiator", 2500, 999, 1).replace(TunnelStateTest.FP, fp));
        Cli r = Cli.run("info", pad.toString(), "--state", state.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        var n = tools.jackson.databind.json.JsonMapper.builder().build().readTree(r.out());
        assertThat(n.get("slots").asLong()).isEqualTo(10);
        assertThat(n.get("size_bytes").asLong()).isEqualTo(1200);
        assertThat(n.get("fingerprint").asString()).isEqualTo(fp);
        assertThat(n.get("state").get("role").asString()).isEqualTo("initiator");
        assertThat(n.get("state").get("send").get("used_slots").asLong()).isEqualTo(3);
        assertThat(n.get("state").get("receive").get("remaining_packets").asLong())
                .isEqualTo(8001);
    }

    @Test
    void infoRefusesAStateForAnotherPadNamingBothFingerprints() throws Exception {
        Path pad = generate("pad.bin", "1200");
        String fp = Hex.encode(PadLayout.fingerprint(Arrays.copyOfRange(Files.readAllBytes(pad), 1080, 1200)));
        Path state = dir.resolve("state.json");
        Files.writeString(state, TunnelStateTest.state("initiator", 0, 0, 0));
        Cli r = Cli.run("info", pad.toString(), "--state", state.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(TunnelStateTest.FP).contains(fp);
        assertThat(r.oneLineError()).as(r.err()).isTrue();

        Files.writeString(state, "{\"format\": \"psk-tunnel-state/1\"}");
        Cli bad = Cli.run("info", pad.toString(), "--state", state.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("missing field \"pad_fingerprint\"");
        assertThat(bad.oneLineError()).as(bad.err()).isTrue();

        Cli none = Cli.run(
                "info", pad.toString(), "--state", dir.resolve("none.json").toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no such file");
    }

    @Test
    void infoOnATinyOrMissingFileFails() throws Exception {
        Path tiny = Files.write(dir.resolve("tiny"), new byte[100]);
        assertThat(Cli.run("info", tiny.toString()).err()).contains("less than one 120-byte slot");
        assertThat(Cli.run("info", dir.resolve("none").toString()).exit()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "generate OUT                               | 2 | Missing required option: '--size=SIZE'",
                "generate OUT --size 100                    | 2 | less than one 120-byte slot",
                "generate OUT --size 1Q                     | 2 | unknown unit 'Q'",
                "generate OUT --size -5                     | 2 | expected a number",
                "generate OUT --size 1K --min-entropy 9     | 2 | --min-entropy: min-entropy must be between 0.5 and 8",
                "generate OUT --size 1K --readers 0         | 2 | --readers: expected 1..64",
                "generate OUT --size 1K --source pkcs11:a;b | 2 | --source: PKCS#11 URI",
                "generate OUT --size 1K --source /dev/zero  | 1 | repetition count test",
                "generate OUT --size 1K --source DIR        | 1 | expected a character device",
                "generate OUT --size 1K --source FILE       | 1 | got a regular file",
                "generate OUT --size 1K --source DIR/nope   | 1 | no such device",
                "generate DIR/no/pad --size 1K              | 1 | does not exist",
                "generate FILE --size 1K                    | 1 | already exists (use --force to replace it)",
                "generate OUT --size 1K --bogus             | 2 | Unknown option: '--bogus'",
                "''                                         | 2 | missing command",
                "frobnicate                                 | 2 | Unmatched argument",
                "verify                                     | 2 | Missing required parameter",
                "info OUT --state                           | 2 | Missing required parameter for option '--state'",
            })
    void badInputsGiveOneLineAndTheRightExitCode(String argLine, int exit, String message) throws Exception {
        Path file = Files.writeString(dir.resolve("file.bin"), "x");
        String[] args = Stream.of(argLine.split(" "))
                .map(a -> a.replace("OUT", dir.resolve("out.bin").toString())
                        .replace("DIR", dir.toString())
                        .replace("FILE", file.toString()))
                .filter(a -> !a.isEmpty())
                .toArray(String[]::new);
        Cli r = Cli.run(args);
        assertThat(r.exit()).as(r.err()).isEqualTo(exit);
        assertThat(r.err()).contains(message);
        assertThat(r.oneLineError() || exit == 2 && r.err().contains("Usage:"))
                .as(r.err())
                .isTrue();
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(Files.exists(dir.resolve("out.bin"))).isFalse();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("file.bin");
        }
    }

    @Test
    void helpStatesUnitsAndVersionWorks() {
        Cli help = Cli.run("generate", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out())
                .contains("binary (1K = 1024)")
                .contains("decimal (1KB = 1000)")
                .contains("--force")
                .contains("--source")
                .contains("Exit codes");
        Cli version = Cli.run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("psk-keygen 0.1.0");
        Cli inherited = Cli.run("info", "--version"); // --help/--version come from the root (scope INHERIT)
        assertThat(inherited.exit()).isZero();
        assertThat(inherited.out()).startsWith("psk-keygen info 0.1.0");
        assertThat(Cli.run("verify", "--help").out()).contains("--help", "--version");
        assertThat(Cli.run("--help").out())
                .contains("generate")
                .contains("verify")
                .contains("info");
    }

    @Test
    void verboseShowsTheCause() {
        Cli r = Cli.run("generate", dir.resolve("o").toString(), "--size", "1K", "--source", "/dev/zero", "--verbose");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("HealthTestFailure").contains("\tat ");
    }
}
