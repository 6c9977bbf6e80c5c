package dev.psk.attest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.attest.tpm.SwtpmTransport;
import dev.psk.common.cli.ExitCodes;
import dev.psk.common.testing.InProcessCli;
import dev.psk.common.testing.InProcessCli.Run;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, {@code psk-attest} messages and exit codes without a TPM: a port that is not a TPM
 * gives up with a hint instead of hanging, an output path that cannot be a directory is a usage
 * error before the TPM is asked, an unreadable input names the reason.
 */
class AttestMessagesTest {
    @TempDir
    Path dir;

    private static Run run(String... args) {
        return InProcessCli.run(new PskAttest(), args);
    }

    @Test
    @Timeout(20)
    void aSilentPortIsNotWaitedOnForever() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepts, reads nothing, never answers
                    }
                } catch (java.io.IOException closed) {
                    // test over
                }
            });
            System.setProperty(SwtpmTransport.TIMEOUT_PROPERTY, "300");
            long start = System.nanoTime();
            Run r;
            try {
                r = run("pcrs", "--tpm", "swtpm:host=127.0.0.1,port=" + silent.getLocalPort(), "--pcrs", "sha256:0");
            } finally {
                System.clearProperty(SwtpmTransport.TIMEOUT_PROPERTY);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.FAILURE);
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(r.err())
                    .startsWith("psk-attest: swtpm at 127.0.0.1:" + silent.getLocalPort()
                            + ": no TPM response within 300 ms")
                    .contains("swtpm's server (command) port");
            assertThat(millis).isLessThan(10_000);
            acceptor.interrupt();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void quoteIntoAnExistingFileIsAUsageErrorBeforeTheTpm() throws Exception {
        Path file = dir.resolve("existing");
        Files.writeString(file, "x");
        // port 1: if the TPM were asked first the error would be "cannot connect"
        Run r = run(
                "quote",
                "--out-dir",
                file.toString(),
                "-q",
                "0011",
                "-l",
                "sha256:0",
                "--tpm",
                "swtpm:host=127.0.0.1,port=1");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().lines().findFirst().orElseThrow())
                .isEqualTo("psk-attest quote: --out-dir " + file + ": exists and is not a directory (quote files"
                        + " go inside a directory: name a new or existing one)");
    }

    @Test
    void anUnreadableOrMisshapenKeyIsNamedInWords() throws Exception {
        Path rsa = dir.resolve("rsa.pem");
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(1024); // RSA AKs are fine from 2048 bits; a smaller one is refused
        byte[] spki = g.generateKeyPair().getPublic().getEncoded();
        Files.writeString(
                rsa,
                "-----BEGIN PUBLIC KEY-----\n"
                        + java.util.Base64.getMimeEncoder().encodeToString(spki) + "\n-----END PUBLIC KEY-----\n");
        Path input = dir.resolve("in");
        Files.writeString(input, "x");
        String[] rest = {
            "--message", input.toString(),
            "--signature", input.toString(),
            "--pcr-values", input.toString(),
            "--nonce", "00",
            "--pcrs", "sha256:0"
        };
        Run bad = run(concat(new String[] {"verify", "--ak", rsa.toString()}, rest));
        assertThat(bad.code()).as(bad.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err())
                .contains("--ak " + rsa + ": AK: RSA key of 1024 bits, at least 2048 required")
                .doesNotContain("Exception")
                .doesNotContain("java.");
        Run dirAk = run(concat(new String[] {"verify", "--ak", dir.toString()}, rest));
        assertThat(dirAk.err()).contains(dir + ": ").contains("is a directory").doesNotContain("IOException");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
