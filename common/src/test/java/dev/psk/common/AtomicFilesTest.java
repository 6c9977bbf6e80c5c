package dev.psk.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesWithOwnerOnlyModeAndLeavesNoTemp() throws IOException {
        Path f = dir.resolve("state.json");
        AtomicFiles.write(f, "abc".getBytes(), AtomicFiles.OWNER_ONLY);
        assertThat(Files.readString(f)).isEqualTo("abc");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-------");
        try (var s = Files.list(dir)) {
            assertThat(s).containsExactly(f);
        }
    }

    @Test
    void failedWriterLeavesOldContentAndNoTemp() throws IOException {
        Path f = dir.resolve("pad");
        AtomicFiles.write(f, "old".getBytes(), AtomicFiles.OWNER_ONLY);
        assertThatThrownBy(() -> AtomicFiles.write(f, AtomicFiles.OWNER_ONLY, true, ch -> {
                    ch.write(ByteBuffer.wrap("partial".getBytes()));
                    throw new IOException("No space left on device");
                }))
                .hasMessageContaining("No space");
        assertThat(Files.readString(f)).isEqualTo("old");
        try (var s = Files.list(dir)) {
            assertThat(s).containsExactly(f);
        }
    }

    @Test
    void refusesExistingTargetWithoutOverwrite() throws IOException {
        Path f = dir.resolve("pad");
        AtomicFiles.write(f, "old".getBytes(), AtomicFiles.OWNER_ONLY);
        assertThatThrownBy(() -> AtomicFiles.write(f, AtomicFiles.OWNER_ONLY, false, ch -> {}))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(f)).isEqualTo("old");
    }

    @Test
    void hexRejectsOddAndNonHexNamingTheInput() {
        assertThat(Hex.decode("0aFF")).containsExactly(0x0a, 0xff);
        assertThatThrownBy(() -> Hex.decode("abc", "--nonce"))
                .hasMessageContaining("--nonce")
                .hasMessageContaining("even");
        assertThatThrownBy(() -> Hex.decode("zz", "--salt"))
                .hasMessageContaining("'z'")
                .hasMessageContaining("position 1");
    }

    @Test
    void constantTimeEqualityOnRanges() {
        byte[] a = {1, 2, 3, 4};
        byte[] b = {9, 2, 3, 8};
        assertThat(Secrets.equal(a, 1, b, 1, 2)).isTrue();
        assertThat(Secrets.equal(a, 0, b, 0, 2)).isFalse();
        assertThat(Secrets.equal(ByteBuffer.wrap(a), 1, b, 1, 3)).isFalse();
    }
}
