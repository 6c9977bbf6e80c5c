package dev.psk.tunnel.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class StatusWriterTest {
    @TempDir
    Path dir;

    private static ObjectNode doc(int n) {
        ObjectNode o = JsonMapper.builder().build().createObjectNode();
        o.put("format", StatusFile.FORMAT);
        o.put("n", n);
        return o;
    }

    @Test
    void writesTheCurrentDocumentAndRemovesTheFileOnClose() throws Exception {
        Path file = dir.resolve("run").resolve("t0.json");
        int[] n = {0};
        List<String> warnings = new ArrayList<>();
        StatusWriter w = new StatusWriter(file, () -> doc(++n[0]), "tunnel", warnings::add);
        w.write();
        w.write();
        assertThat(Files.readString(file)).contains("\"n\" : 2");
        w.close();
        assertThat(file).doesNotExist();
        assertThat(warnings).isEmpty();
    }

    @Test
    void anUnwritableFileIsReportedOnceAndNothingIsThrown() throws Exception {
        Files.writeString(dir.resolve("plain"), "a file, not a directory");
        Path file = dir.resolve("plain").resolve("t0.json");
        List<String> warnings = new ArrayList<>();
        StatusWriter w = new StatusWriter(file, () -> doc(1), "hub server", warnings::add);
        w.write();
        w.write();
        w.close();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains(file.toString(), "'psk-tunnel show' will not see this hub server");
    }

    @Test
    void plantedSymlinksAreNeverFollowed() throws Exception {
        // Issue #12: the writer runs as root; anyone able to plant a link in the directory must not
        // make it overwrite another file. The old fixed temporary name and the helper's are tried.
        Path run = Files.createDirectory(dir.resolve("run"));
        Path victim = Files.writeString(dir.resolve("shadow"), "root:secret\n");
        Path file = run.resolve("t0.json");
        Files.createSymbolicLink(run.resolve(".t0.json.tmp"), victim);
        List<String> warnings = new ArrayList<>();
        StatusWriter w = new StatusWriter(file, () -> doc(1), "tunnel", warnings::add);
        w.write();
        assertThat(Files.readString(victim)).isEqualTo("root:secret\n");
        assertThat(Files.readString(file)).contains("\"n\" : 1");
        assertThat(Files.isSymbolicLink(file)).isFalse();

        Files.delete(file);
        Files.createSymbolicLink(file, victim); // the target itself: replaced, not written through
        w.write();
        assertThat(Files.readString(victim)).isEqualTo("root:secret\n");
        assertThat(Files.isSymbolicLink(file)).isFalse();

        for (int i = 0; i < 20; i++) {
            w.write();
        }
        assertThat(Files.readString(victim)).isEqualTo("root:secret\n");
        assertThat(warnings).isEmpty();
        try (var left = Files.list(run)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("no temporary file is left behind")
                    .containsExactlyInAnyOrder("t0.json", ".t0.json.tmp");
        }
        w.close();
        assertThat(victim).exists();
    }

    @Test
    void aDirectoryWritableByOthersIsRefused() throws Exception {
        for (String mode : new String[] {"rwxrwxrwx", "rwxrwxr-x", "rwxr-xrwx"}) {
            Path run = Files.createDirectory(dir.resolve("open-" + mode));
            Files.setPosixFilePermissions(run, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
            Path file = run.resolve("t0.json");
            List<String> warnings = new ArrayList<>();
            StatusWriter w = new StatusWriter(file, () -> doc(1), "tunnel", warnings::add);
            w.write();
            assertThat(file).doesNotExist();
            assertThat(run).isEmptyDirectory();
            assertThat(warnings).singleElement().asString().contains(run.toString(), "writable by group or others");
            w.close();
        }
        Path shut = Files.createDirectory(dir.resolve("shut"));
        Files.setPosixFilePermissions(shut, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        StatusWriter ok = new StatusWriter(shut.resolve("t0.json"), () -> doc(3), "tunnel", m -> {
            throw new AssertionError(m);
        });
        ok.write();
        assertThat(Files.readString(shut.resolve("t0.json"))).contains("\"n\" : 3");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(shut.resolve("t0.json"))))
                .isEqualTo("rw-r--r--");
        ok.close();
    }
}
