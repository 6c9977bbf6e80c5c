package dev.psk.attest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** psk-attest verify's contract: one line, exit 0 only on ACCEPT, 1 on REJECT, 2 on usage; no stack traces. */
class VerifyCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void copyFixtures() throws Exception {
        for (String f : new String[] {"ak.pem", "q.msg", "q.sig", "q.pcrs"}) {
            try (InputStream in = VerifyCommandTest.class.getResourceAsStream("/dev/psk/attest/tools54/" + f)) {
                Files.write(dir.resolve(f), in.readAllBytes());
            }
        }
    }

    static Cli.Run verify(String... extra) {
        String[] base = {
            "verify",
            "--ak",
            dir.resolve("ak.pem").toString(),
            "-m",
            dir.resolve("q.msg").toString(),
            "-s",
            dir.resolve("q.sig").toString(),
            "-f",
            dir.resolve("q.pcrs").toString(),
            "--pcrs",
            "sha256:0-7"
        };
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return Cli.run(all);
    }

    @Test
    void acceptAndReject() {
        Cli.Run ok = verify("--nonce", "0102030405060708");
        assertThat(ok.out()).isEqualTo("ACCEPT\n");
        assertThat(ok.exit()).isZero();
        Cli.Run bad = verify("--nonce", "0102030405060709");
        assertThat(bad.out()).startsWith("REJECT: nonce: ").endsWith("\n").hasLineCount(1);
        assertThat(bad.exit()).isEqualTo(1);
    }

    @Test
    void jsonListsEveryCheck() {
        Cli.Run r = verify("--nonce", "0102030405060708", "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .startsWith("{\"verdict\":\"ACCEPT\",\"reason\":\"ok\"")
                .contains("\"check\":\"clock\"")
                .contains("\"pcrDigest\":\"8eb10a2e");
        tools.jackson.databind.JsonNode doc =
                tools.jackson.databind.json.JsonMapper.builder().build().readTree(r.out());
        assertThat(doc.get("verdict").asString()).isEqualTo("ACCEPT");
        assertThat(r.out().strip().lines()).hasSize(1);
    }

    @Test
    void malformedEvidenceIsARejectWithAParseReason() throws Exception {
        Files.write(dir.resolve("garbage.msg"), new byte[] {(byte) 0xff, 0x54, 0x43});
        Cli.Run r = Cli.run(
                "verify",
                "--ak",
                dir.resolve("ak.pem").toString(),
                "-m",
                dir.resolve("garbage.msg").toString(),
                "-s",
                dir.resolve("q.sig").toString(),
                "-f",
                dir.resolve("q.pcrs").toString(),
                "--pcrs",
                "sha256:0-7",
                "--nonce",
                "01");
        assertThat(r.out()).isEqualTo("REJECT: parse: TPMS_ATTEST: magic at offset 0 needs 4 bytes, 3 left\n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void usageErrorsExit2WithoutStackTrace() throws Exception {
        Files.writeString(dir.resolve("notakey.pem"), "hello");
        String[][] cases = {
            {"--nonce", "xyz"},
            {"--nonce", "01", "--pcrs", "sha256:99"},
            {"--nonce", "01", "--hash", "md5"},
            {"--nonce", "01", "--policy", dir.resolve("missing.json").toString()},
            {"--nonce", "01", "--eventlog", dir.resolve("missing.log").toString()},
        };
        for (String[] c : cases) {
            Cli.Run r = verify(c);
            assertThat(r.exit()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).doesNotContain("\tat ").contains("verify");
        }
        Cli.Run noKey = Cli.run(
                "verify",
                "--ak",
                dir.resolve("notakey.pem").toString(),
                "-m",
                "x",
                "-s",
                "y",
                "-f",
                "z",
                "--pcrs",
                "sha256:0",
                "--nonce",
                "01");
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).contains("--ak").doesNotContain("\tat ");
        assertThat(Cli.run("verify").exit()).isEqualTo(2);
        assertThat(Cli.run().exit()).isEqualTo(2);
        assertThat(Cli.run("--version").out()).contains("psk-attest 0.1.0");
    }

    @Test
    void clockStateIsUpdatedOnAcceptAndEnforced() throws Exception {
        Path state = dir.resolve("clock.json");
        Files.writeString(state, "{\"resetCount\": 1, \"restartCount\": 0, \"clock\": 5}");
        assertThat(verify("--nonce", "0102030405060708", "--clock-state", state.toString(), "--require-safe-clock")
                        .exit())
                .isZero();
        assertThat(Files.readString(state)).contains("\"clock\": 219");
        Files.writeString(state, "{\"resetCount\": 2, \"restartCount\": 0, \"clock\": 5}");
        Cli.Run r = verify("--nonce", "0102030405060708", "--clock-state", state.toString());
        assertThat(r.out()).startsWith("REJECT: clock: resetCount 1 is lower than the last seen 2");
        assertThat(Files.readString(state)).contains("\"resetCount\": 2");
    }
}
