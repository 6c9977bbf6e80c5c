package dev.psk.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoErrorsTest {
    @Test
    void namesTheReasonNotThePathNorTheClass() {
        assertThat(IoErrors.reason(new AccessDeniedException("/x/pad.bin"))).isEqualTo("permission denied");
        assertThat(IoErrors.reason(new NoSuchFileException("/x/pad.bin"))).isEqualTo("no such file or directory");
        assertThat(IoErrors.reason(new FileAlreadyExistsException("/x"))).isEqualTo("already exists");
        assertThat(IoErrors.reason(new FileSystemException("/x", null, "No space left on device")))
                .isEqualTo("no space left on device");
        assertThat(IoErrors.reason(new IOException())).isEqualTo("I/O error");
        assertThat(IoErrors.reason(new IOException("Is a directory"))).isEqualTo("is a directory");
        assertThat(IoErrors.reason(new IOException("TUN device is busy"))).isEqualTo("TUN device is busy");
    }

    @Test
    void aRealDirectoryReadSaysSo(@TempDir Path dir) {
        try {
            Files.readAllBytes(dir);
        } catch (IOException e) {
            assertThat(IoErrors.reason(e)).isEqualTo("is a directory");
            return;
        }
        throw new AssertionError("reading a directory should fail");
    }
}
