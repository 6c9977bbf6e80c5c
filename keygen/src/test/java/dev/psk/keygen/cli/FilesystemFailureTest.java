package dev.psk.keygen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.psk.common.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A really full disk and a really read-only directory: a 2 MiB tmpfs of our own (needs root to
 * mount; unmounted afterwards even on failure).
 */
@Tag("root")
class FilesystemFailureTest {
    private Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
        mount = Files.createTempDirectory("psk-keygen-tmpfs-");
        Processes.run("mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "psk-keygen-test", mount.toString())
                .requireSuccess("mount tmpfs");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            Processes.run("umount", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void diskFullLeavesNoPadAndNoTempAndKeepsTheOldPad() throws Exception {
        Path pad = mount.resolve("pad.bin");
        Files.writeString(pad, "old pad");
        Cli r = Cli.run("generate", pad.toString(), "--size", "4MiB", "--force");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("psk-keygen: cannot write " + pad + ": no space left on device");
        assertThat(Files.readString(pad)).isEqualTo("old pad");
        try (Stream<Path> s = Files.list(mount)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("pad.bin");
        }
    }

    @Test
    void readOnlyDirectoryIsAOneLineError() throws Exception {
        Processes.run("mount", "-o", "remount,ro", mount.toString()).requireSuccess("remount ro");
        Path pad = mount.resolve("pad.bin");
        Cli r = Cli.run("generate", pad.toString(), "--size", "1MiB");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip())
                .startsWith("psk-keygen: cannot write " + pad + ": ")
                .contains("read-only file system");
        assertThat(r.oneLineError()).isTrue();
        try (Stream<Path> s = Files.list(mount)) {
            assertThat(s.count()).isZero();
        }
    }
}
