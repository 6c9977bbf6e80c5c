package dev.psk.attest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The enrolment subcommands' usage errors and verifier-side rejections, without a TPM. */
class EnrollCommandTest {
    @Test
    void badOptionsAreUsageErrors(@TempDir Path d) throws Exception {
        Cli.Run r = Cli.run(
                "enroll", "--ek-alg", "dsa", "--out", d.resolve("r.json").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--ek-alg: expected rsa, ecc or ecc384");

        Files.writeString(d.resolve("req.json"), "{}");
        Cli.Run noRoots = Cli.run(
                "enroll-challenge",
                "--request",
                d.resolve("req.json").toString(),
                "--ek-roots",
                d.resolve("missing").toString(),
                "--state",
                d.resolve("state").toString(),
                "--out",
                d.resolve("c.json").toString());
        assertThat(noRoots.exit()).isEqualTo(2);
        assertThat(noRoots.err()).contains("--ek-roots");

        Cli.Run ttl = Cli.run(
                "enroll-challenge",
                "--request",
                d.resolve("req.json").toString(),
                "--ek-roots",
                d.toString(),
                "--state",
                d.resolve("state").toString(),
                "--out",
                d.resolve("c.json").toString(),
                "--ttl",
                "0");
        assertThat(ttl.exit()).isEqualTo(2);
    }

    @Test
    void malformedAnswerAndUnknownChallengeAreRejections(@TempDir Path d) throws Exception {
        Files.writeString(d.resolve("garbage.json"), "not json");
        Cli.Run g = Cli.run(
                "enroll-finish",
                "--answer",
                d.resolve("garbage.json").toString(),
                "--state",
                d.resolve("state").toString(),
                "--out",
                d.resolve("rec.json").toString());
        assertThat(g.exit()).isEqualTo(1);
        assertThat(g.out()).startsWith("REJECT: answer: ").hasLineCount(1);

        Files.writeString(
                d.resolve("a.json"),
                "{\"type\":\"enrolment-answer\",\"version\":1,\"id\":\"00112233445566778899aabbccddeeff\",\"proof\":\"AA==\"}");
        Cli.Run u = Cli.run(
                "enroll-finish",
                "--answer",
                d.resolve("a.json").toString(),
                "--state",
                d.resolve("state").toString(),
                "--out",
                d.resolve("rec.json").toString());
        assertThat(u.exit()).isEqualTo(1);
        assertThat(u.out()).startsWith("REJECT: challenge-unknown: ");
        assertThat(d.resolve("rec.json")).doesNotExist();
    }
}
