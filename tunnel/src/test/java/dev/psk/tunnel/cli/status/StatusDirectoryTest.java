package dev.psk.tunnel.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusDirectoryTest {
    @TempDir
    Path run;

    @Test
    void findsTheInterfaceInASystemdInstanceDirectory() throws IOException {
        Files.createDirectories(run.resolve("site-a"));
        Path f = Files.writeString(run.resolve("site-a/tun7.json"), "{}");
        assertThat(StatusDirectory.find(run, "tun7")).isEqualTo(f);
        assertThat(StatusDirectory.find(run, "site-a")).isEqualTo(run.resolve("site-a.json"));
    }

    @Test
    void aTopLevelFileWinsAndAnAbsentOneIsReportedAtTheTop() throws IOException {
        Files.createDirectories(run.resolve("x"));
        Files.writeString(run.resolve("x/tun0.json"), "{}");
        Path top = Files.writeString(run.resolve("tun0.json"), "{}");
        assertThat(StatusDirectory.find(run, "tun0")).isEqualTo(top);
        assertThat(StatusDirectory.find(run, "tun9")).isEqualTo(run.resolve("tun9.json"));
        assertThat(StatusDirectory.find(run.resolve("absent"), "tun0")).isEqualTo(run.resolve("absent/tun0.json"));
    }

    @Test
    void theOptionNamesAFileOrADirectoryForTheInterface() throws IOException {
        assertThat(StatusDirectory.statusFile(null, "tun3")).isEqualTo(Path.of("/run/psk-tunnel/tun3.json"));
        assertThat(StatusDirectory.statusFile(run, "tun3")).isEqualTo(run.resolve("tun3.json"));
        Path inst = Files.createDirectories(run.resolve("inst"));
        assertThat(StatusDirectory.statusFile(inst, "tun3")).isEqualTo(inst.resolve("tun3.json"));
        assertThat(StatusDirectory.statusFile(run.resolve("s.json"), "tun3")).isEqualTo(run.resolve("s.json"));
    }

    @Test
    void listsBothLevelsAndNothingElse() throws IOException {
        Files.createDirectories(run.resolve("a"));
        Files.writeString(run.resolve("a/tun1.json"), "{}");
        Files.writeString(run.resolve("a/notes.txt"), "");
        Files.writeString(run.resolve("tun2.json"), "{}");
        Files.writeString(run.resolve("tun2.json.tmp"), "{}");
        assertThat(StatusDirectory.list(run))
                .containsExactlyInAnyOrder(run.resolve("a/tun1.json"), run.resolve("tun2.json"));
    }
}
