package dev.psk.provision.cli;

import dev.psk.common.testing.Processes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs psk-provision in a fresh JVM, as the launcher does: the module under test reads
 * SOFTHSM2_CONF / TPM2_PKCS11_* from that process's environment, and everything it prints (ours
 * and the native module's) is captured. Every run is kept for the no-PIN-in-output check.
 */
final class Cli {
    private final Map<String, String> env;
    private final List<Processes.Result> runs = new ArrayList<>();

    Cli(Map<String, String> env) {
        this.env = env;
    }

    Processes.Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                PskProvision.class.getName()));
        cmd.addAll(List.of(args));
        Processes.Result r = Processes.run(cmd, env, null, Duration.ofMinutes(2));
        runs.add(r);
        return r;
    }

    /** Writes a PIN file as an operator should: mode 0600, the PIN on its first line. */
    static Path pinFile(Path file, String pin) throws IOException {
        java.nio.file.Files.writeString(file, pin + "\n");
        java.nio.file.Files.setPosixFilePermissions(
                file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** Everything every run printed, stdout and stderr. */
    String allOutput() {
        StringBuilder sb = new StringBuilder();
        for (Processes.Result r : runs) {
            sb.append(r.stdout()).append(r.stderr());
        }
        return sb.toString();
    }

    int runCount() {
        return runs.size();
    }
}
