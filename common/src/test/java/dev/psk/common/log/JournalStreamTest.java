package dev.psk.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JOURNAL_STREAM counts only when it names the very file the descriptor is (systemd.exec(5)). */
class JournalStreamTest {
    @TempDir
    Path dir;

    static String devIno(Path f) throws Exception {
        Map<String, Object> a = Files.readAttributes(f, "unix:dev,ino");
        return Long.toUnsignedString((Long) a.get("dev")) + ":" + Long.toUnsignedString((Long) a.get("ino"));
    }

    @Test
    void matchesOnlyTheNamedFile() throws Exception {
        Path f = Files.createFile(dir.resolve("stream"));
        Path other = Files.createFile(dir.resolve("other"));
        assertThat(JournalStream.matches(devIno(f), f)).isTrue();
        assertThat(JournalStream.matches(devIno(other), f))
                .as("inherited by a child whose output moved")
                .isFalse();
    }

    @Test
    void refusesMissingOrMalformedValues() throws Exception {
        Path f = Files.createFile(dir.resolve("stream"));
        String ino = devIno(f).substring(devIno(f).indexOf(':') + 1);
        assertThat(JournalStream.matches(null, f)).isFalse();
        assertThat(JournalStream.matches("", f)).isFalse();
        assertThat(JournalStream.matches(":" + ino, f)).isFalse();
        assertThat(JournalStream.matches(devIno(f) + ":", f)).isFalse();
        assertThat(JournalStream.matches("x:" + ino, f)).isFalse();
        assertThat(JournalStream.matches("1", f)).isFalse();
        assertThat(JournalStream.matches(devIno(f), dir.resolve("gone"))).isFalse();
    }
}
