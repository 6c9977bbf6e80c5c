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
}
