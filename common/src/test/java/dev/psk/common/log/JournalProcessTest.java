package dev.psk.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.PskException;
import dev.psk.common.cli.CliRunner;
import dev.psk.common.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

/**
 * A real process, as systemd starts one: its standard error is a file whose device and inode are in
 * JOURNAL_STREAM. The lines it writes through the shared setup (CliRunner, used by all four CLIs:
 * {@link Log}, java.util.logging, the failure line) carry priorities on stderr and not on stdout,
 * which JOURNAL_STREAM does not name; without the variable, no line has one.
 */
class JournalProcessTest {
    @TempDir
    Path dir;

    @Command(name = "probe")
    public static final class Probe implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Log.stderr("probe").info("up");
            Log.stderr("probe").warn("pad below 10%");
            Log.stdout("probe").info("stats: tx 0 packets");
            Logger.getLogger("dev.psk.tunnel.hub.HubServer").warning("cannot save timestamps");
            Logger.getLogger("dev.psk.tunnel.hub.HubResponder").info("handshake refused (disabled_key)");
            Logger.getLogger("dev.psk.tunnel.hub.HubResponder").fine("not shown without PSK_VERBOSE");
            throw new PskException("state file cannot be written") {};
        }

        public static void main(String[] args) {
            System.exit(CliRunner.run(new Probe(), args));
        }
    }

    record Run(int exit, String out, String err) {}

    Run run(boolean journal) throws Exception {
        Path out = Files.createFile(dir.resolve("out" + journal));
        Path err = Files.createFile(dir.resolve("err" + journal));
        ProcessBuilder pb = new ProcessBuilder(Processes.java(List.of("-Xshare:auto"), Probe.class, List.of()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        pb.environment().remove("JOURNAL_STREAM");
        pb.environment().remove("PSK_VERBOSE");
        if (journal) {
            pb.environment().put("JOURNAL_STREAM", JournalStreamTest.devIno(err));
        }
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(
                p.exitValue(),
                ours(Files.readString(out, StandardCharsets.UTF_8)),
                ours(Files.readString(err, StandardCharsets.UTF_8)));
    }

    /** The probe's lines only: the JVM may add its own ("Picked up JAVA_TOOL_OPTIONS: …") in some environments. */
    static String ours(String text) {
        StringBuilder b = new StringBuilder();
        text.lines().filter(l -> l.contains("probe: ")).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    @Test
    void stderrLinesCarryPrioritiesWhenItIsTheJournal() throws Exception {
        Run r = run(true);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines())
                .containsExactly(
                        "<6>probe: up",
                        "<4>probe: warning: pad below 10%",
                        "<4>probe: warning: cannot save timestamps",
                        "<6>probe: handshake refused (disabled_key)",
                        "<3>probe: state file cannot be written");
        assertThat(r.out().lines()).as("stdout is not the stream named").containsExactly("probe: stats: tx 0 packets");
    }

    @Test
    void noPrioritiesWithoutTheJournal() throws Exception {
        Run r = run(false);
        assertThat(r.err().lines())
                .containsExactly(
                        "probe: up",
                        "probe: warning: pad below 10%",
                        "probe: warning: cannot save timestamps",
                        "probe: handshake refused (disabled_key)",
                        "probe: state file cannot be written");
        assertThat(r.out().lines()).containsExactly("probe: stats: tx 0 packets");
    }
}
