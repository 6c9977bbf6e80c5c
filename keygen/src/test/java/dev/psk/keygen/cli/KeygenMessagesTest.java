package dev.psk.keygen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.psk.common.cli.ExitCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, {@code psk-keygen}: a file that cannot be read says why ("permission denied", "is a
 * directory"), never only its path; a slow source shows progress and its rate on stderr.
 */
class KeygenMessagesTest {
    /** Unreadable even for root: procfs checks the mode bits of this write-only file. */
    private static final Path UNREADABLE = Path.of("/proc/sys/vm/drop_caches");

    @TempDir
    Path dir;

    private static boolean unreadableAvailable() {
        if (!Files.exists(UNREADABLE)) {
            return false;
        }
        try {
            Files.readAllBytes(UNREADABLE);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private Path pad() {
        Path pad = dir.resolve("pad.bin");
        Cli r = Cli.run("generate", pad.toString(), "--size", "64KiB");
        assertThat(r.exit()).as(r.err()).isZero();
        return pad;
    }

    @Test
    void aStateFileThatCannotBeReadSaysWhy() throws Exception {
        Path pad = pad();
        Cli dirState = Cli.run("info", pad.toString(), "--state", dir.toString());
        assertThat(dirState.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(dirState.err()).isEqualTo("psk-keygen: state file " + dir + ": cannot read: is a directory\n");
        assumeTrue(unreadableAvailable(), "needs a file this user cannot read");
        Cli denied = Cli.run("info", pad.toString(), "--state", UNREADABLE.toString());
        assertThat(denied.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(denied.err())
                .isEqualTo("psk-keygen: state file " + UNREADABLE + ": cannot read: permission denied\n");
    }

    @Test
    void anUnreadableChecksumFileIsNamedWithTheReason() throws Exception {
        assumeTrue(unreadableAvailable(), "needs a file this user cannot read");
        Path pad = pad();
        Path sidecar = dir.resolve("pad.bin.sha256");
        Files.delete(sidecar);
        Files.createSymbolicLink(sidecar, UNREADABLE);
        Cli r = Cli.run("verify", pad.toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).isEqualTo("psk-keygen: checksum file " + sidecar + ": cannot read: permission denied\n");
    }

    @Test
    void aTypoInATokenSourceUriIsAUsageError() {
        Cli r = Cli.run("generate", dir.resolve("p.bin").toString(), "--size", "64KiB", "--source", "pkcs11:tokn=rng");
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err())
                .startsWith("psk-keygen generate: --source: URI attribute \"tokn\" is not a standard PKCS#11 URI"
                        + " attribute (did you mean \"token\"?)");
        assertThat(dir.resolve("p.bin")).doesNotExist();
    }

    /**
     * A FIFO fed at about 640 KiB/s stands in for /dev/hwrng; the progress periods are shortened by
     * the system properties so the run takes two seconds, not minutes.
     */
    @Test
    @Timeout(60)
    void aSlowSourceShowsProgressAndRate() throws Exception {
        Path fifo = dir.resolve("hwrng");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor() == 0, "mkfifo");
        Thread feeder = Thread.ofPlatform().daemon().start(() -> {
            SecureRandom rnd = new SecureRandom();
            byte[] chunk = new byte[32 << 10];
            try (OutputStream o = Files.newOutputStream(fifo)) {
                for (int i = 0; i < 200; i++) {
                    rnd.nextBytes(chunk);
                    o.write(chunk);
                    o.flush();
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException e) {
                // the reader has what it needs and closed the FIFO
            }
        });
        System.setProperty(ProgressLog.QUIET_PROPERTY, "300");
        System.setProperty(ProgressLog.INTERVAL_PROPERTY, "400");
        Cli r;
        try {
            r = Cli.run("generate", dir.resolve("pad.bin").toString(), "--size", "1MiB", "--source", fifo.toString());
        } finally {
            System.clearProperty(ProgressLog.QUIET_PROPERTY);
            System.clearProperty(ProgressLog.INTERVAL_PROPERTY);
            feeder.interrupt();
        }
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.err().lines().toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines)
                .allMatch(
                        l -> l.matches("psk-keygen: [0-9.]+ [KM]iB of 1\\.00 MiB \\(\\d+%\\), [0-9.]+ [kM]B/s,"
                                + " about \\d+ s left"),
                        "a progress line with the rate");
    }
}
