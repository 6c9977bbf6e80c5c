package dev.psk.tunnel.cli.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15/#17: the hub server and client stop as the point-to-point tunnel does. SIGTERM is a
 * clean stop (exit 0, not the JVM's 143) with one "stopped" line; a device failure stops them with
 * exit 1 and the reason; resources close last-opened first, even when one fails.
 */
class ForegroundTest {
    @TempDir
    Path dir;

    private static CompletableFuture<Integer> runAsync(Foreground fg, AutoCloseable... resources) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return fg.run(resources);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                },
                r -> Thread.ofPlatform().daemon(true).start(r));
    }

    @Test
    void aStopClosesLastOpenedFirstAndSaysStoppedOnce() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Foreground fg = new Foreground(
                "hub server pskh0", new Log(new PrintStream(log, true, StandardCharsets.UTF_8), "psk-tunnel", false));
        List<String> closed = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> r =
                runAsync(fg, () -> closed.add("hub"), () -> closed.add("reloader"), null, () -> closed.add("status"));
        Thread.sleep(100);
        assertThat(r).isNotDone();
        fg.stop("SIGTERM");
        fg.stop("SIGINT"); // a second signal changes nothing
        assertThat(r.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(closed).containsExactly("status", "reloader", "hub");
        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("psk-tunnel: hub server pskh0 stopped (SIGTERM)\n");
    }

    @Test
    void aFailureStopsWithExitOneAndItsReasonAndAFailedCloseIsReported() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Foreground fg = new Foreground(
                "hub client alice on pskc0",
                new Log(new PrintStream(log, true, StandardCharsets.UTF_8), "psk-tunnel", false));
        List<String> closed = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> r = runAsync(fg, () -> closed.add("client"), () -> {
            throw new java.io.IOException("timestamps not saved");
        });
        fg.fail("TUN device pskc0 was closed under the tunnel");
        assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(closed).containsExactly("client");
        assertThat(log.toString(StandardCharsets.UTF_8))
                .isEqualTo(
                        "psk-tunnel: hub client alice on pskc0 stopped: TUN device pskc0 was closed under the tunnel;"
                                + " closing failed: timestamps not saved\n");
    }

    /** The child of {@link #sigtermExitsZeroWithAStoppedLine}: a Foreground with one resource. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            Path marker = Path.of(args[0]);
            Foreground fg = new Foreground("hub server test0", Log.stderr("psk-tunnel"));
            System.out.println("ready");
            System.out.flush();
            int code = fg.run(() -> Files.writeString(marker, "closed"));
            System.exit(code);
        }
    }

    @Test
    void sigtermExitsZeroWithAStoppedLine() throws Exception {
        Path marker = dir.resolve("closed");
        Path err = dir.resolve("err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xshare:auto",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Child.class.getName(),
                        marker.toString())
                .redirectError(err.toFile())
                .start();
        try {
            // Once the signals are trapped; a SIGTERM before that would be the JVM's own (143).
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine())
                    .isEqualTo("ready");
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String said = Files.readString(err);
            assertThat(p.exitValue()).as(said).isZero();
            assertThat(said).contains("hub server test0 stopped (SIGTERM)");
            assertThat(marker).hasContent("closed");
        } finally {
            p.destroyForcibly();
        }
    }
}
