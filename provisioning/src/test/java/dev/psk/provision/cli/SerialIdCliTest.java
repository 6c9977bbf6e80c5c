package dev.psk.provision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.testing.Processes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serial-id against sha256sum, and its usage errors. */
class SerialIdCliTest {
    private record Out(int exit, String out, String err) {}

    private static Out run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        picocli.CommandLine cl = CliRunner.commandLine(new PskProvision());
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int rc = cl.execute(args);
        return new Out(rc, o.toString(), e.toString());
    }

    @Test
    void printsTheSeedFormulaAsSha256sumComputesIt(@TempDir Path root) throws Exception {
        Path uuid = root.resolve("sys/class/dmi/id/product_uuid");
        Files.createDirectories(uuid.getParent());
        Files.writeString(uuid, "4c4c4544-0042-3510-8052-b2c04f4d3732\n");
        String expected = Processes.run(
                        List.of(
                                "bash",
                                "-c",
                                "{ printf 'psk-tunnel/v1'; printf '\\x6a\\x1f\\x0c\\x55'; printf '4c4c4544-0042-3510-8052-b2c04f4d3732'; }"
                                        + " | sha256sum | cut -c1-32"),
                        null,
                        null,
                        Duration.ofSeconds(30))
                .requireSuccess("sha256sum")
                .stdout()
                .strip();
        Out r16 = run("serial-id", "--salt", "6a1f0c55", "--length", "16", "--root", root.toString());
        assertThat(r16.exit()).as(r16.err()).isZero();
        assertThat(r16.out().strip()).isEqualTo(expected);
        assertThat(run("serial-id", "--salt", "6a1f0c55", "--root", root.toString())
                        .out()
                        .strip())
                .isEqualTo(expected.substring(0, 16));
    }

    @Test
    void refusesBadArgumentsAndSaysWhatWasTried(@TempDir Path root) {
        Out none = run("serial-id", "--salt", "00", "--root", root.toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err())
                .contains("no stable hardware serial found", "product_uuid (missing)")
                .hasLineCount(1);
        assertThat(run("serial-id", "--salt", "0g", "--root", root.toString()).exit())
                .isEqualTo(2);
        assertThat(run("serial-id", "--salt", "00", "--length", "12", "--root", root.toString())
                        .err())
                .contains("expected 8 or 16");
        assertThat(run("serial-id").err()).contains("--salt");
    }
}
