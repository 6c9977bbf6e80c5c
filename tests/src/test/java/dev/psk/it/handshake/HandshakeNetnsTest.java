package dev.psk.it.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs tests/netns/handshake.sh: two namespaces, bin/psk-tunnel at both ends, SoftHSM2 identities,
 * a swtpm quote. Test that: off mode is the seed's data path; psk and signed (pinned) handshakes
 * carry traffic; a captured HELLO/WELCOME/CONFIRM replayed from another address changes neither
 * binding nor completions; a HELLO replayed from 64 addresses does not keep the initiator out; kill
 * -9 of the initiator, the responder, and the responder again restarted from a restored state file,
 * under traffic in signed mode: each restarted end handshakes and traffic resumes within a bound,
 * and the capture shows no (session, direction, sequence) twice (sequences the restored end repeats
 * are under a new session key); keys
 * change every 2 s under a 64 MiB TCP transfer (sha256 equal, few retransmissions); disabling a pin
 * in the watched peers file cuts data within 1 s; a re-attestation failing after a PCR extend stops
 * data; unpinned, disabled and re-keyed identities are refused with the reason
 * in both logs; a different pad is named on both ends; a quote satisfying the policy lets traffic
 * flow and one that does not is refused; an identity key held in a TPM (tpm2-pkcs11 over swtpm and
 * tpm2-abrmd) signs a handshake the peer verifies. The script cleans up its namespaces in an EXIT trap; on a
 * timeout it gets SIGTERM (which runs the trap) before SIGKILL.
 */
@Tag("netns")
@Tag("root")
@Tag("token")
@Tag("tpm")
class HandshakeNetnsTest {
    static Path projectDir() {
        String prop = System.getProperty("psk.project.dir");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isRegularFile(p.resolve("tests/netns/handshake.sh"))) {
            throw new IllegalStateException(
                    "project root not found (tests/netns/handshake.sh missing under " + p + ")");
        }
        return p;
    }

    @Test
    void handshakeSuitePasses() throws Exception {
        Path root = projectDir();
        Path out = Files.createTempFile("psks-handshake", ".log");
        try {
            Process p = new ProcessBuilder(List.of(
                            "bash", root.resolve("tests/netns/handshake.sh").toString()))
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            Duration limit = Duration.ofMinutes(15);
            boolean done = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            System.out.println(text);
            assertThat(done)
                    .as("handshake.sh finished within %s:%n%s", limit, text)
                    .isTrue();
            assertThat(p.exitValue()).as("handshake.sh exit code:%n%s", text).isZero();
            assertThat(text)
                    .contains("0 failed")
                    .doesNotContain("FAIL:")
                    .contains(
                            "PASS: off",
                            "PASS: psk",
                            "PASS: signed",
                            "PASS: replay",
                            "PASS: crash",
                            "PASS: unpinned",
                            "PASS: disabled",
                            "PASS: pad",
                            "PASS: attested: quote accepted",
                            "PASS: attested: quote against a policy",
                            "PASS: tpmkey",
                            "PASS: rekeyed");
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
