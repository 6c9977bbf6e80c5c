package dev.psk.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the project's test scripts with a time bound. On timeout the script gets SIGTERM first
 * (its EXIT trap removes namespaces and processes), and SIGKILL 20 s later.
 */
final class ScriptRunner {
    private ScriptRunner() {}

    record Outcome(int exitCode, String output, Duration took) {}

    static Path projectDir() {
        String prop = System.getProperty("psk.project.dir");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isRegularFile(p.resolve("tests/netns/p2p.sh"))) {
            throw new IllegalStateException("project root not found (tests/netns/p2p.sh missing under " + p + ")");
        }
        return p;
    }

    static Outcome run(Duration timeout, String script, String... args) throws IOException, InterruptedException {
        Path root = projectDir();
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve(script).toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("tsys-script", ".log");
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            int code;
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                code = p.exitValue();
            } else {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
                code = -1;
                Files.writeString(
                        out,
                        "\n*** timed out after " + timeout + " ***\n",
                        StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.APPEND);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            System.out.println(text); // the suite's PASS/FAIL lines land in the surefire report
            return new Outcome(code, text, Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
