package dev.psk.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs external commands in tests (softhsm2-util, tpm2_*, ip netns …) with a time bound. */
public final class Processes {
    private Processes() {}

    /** What a finished command printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result requireSuccess(String what) {
            if (exitCode != 0) {
                throw new IllegalStateException(what + " failed (exit " + exitCode + "): " + stderr + stdout);
            }
            return this;
        }
    }

    public static Result run(List<String> command, Map<String, String> env, Path dir, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (env != null) {
            pb.environment().putAll(env);
        }
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = java.nio.file.Files.createTempFile("proc", ".out");
        Path err = java.nio.file.Files.createTempFile("proc", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout + ": " + command);
            }
            return new Result(
                    p.exitValue(),
                    java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                    java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
            java.nio.file.Files.deleteIfExists(err);
        }
    }

    public static Result run(String... command) throws IOException, InterruptedException {
        return run(List.of(command), null, null, Duration.ofMinutes(2));
    }

    /**
     * The command line of a JVM running {@code main} on this test's class path (this JVM's java),
     * with {@code jvmOptions} before the class path and {@code args} after the class.
     */
    public static List<String> java(List<String> jvmOptions, Class<?> main, List<String> args) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** True when a command of that name is on PATH. */
    public static boolean onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && java.nio.file.Files.isExecutable(Path.of(d, name))) {
                return true;
            }
        }
        return false;
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
