package dev.psk.keygen.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts psk-keygen in a separate JVM (signals, environment of its own), from the test classpath. */
final class Launch {
    private Launch() {}

    static ProcessBuilder keygen(Map<String, String> env, Path dir, String... args) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(
                List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", cp, PskKeygen.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(env);
        pb.redirectInput(new File("/dev/null"));
        return pb;
    }
}
