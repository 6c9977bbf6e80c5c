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
        List<String> cmd = Processes.java(
                List.of("--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-XX:TieredStopAtLevel=1"),
                PskProvision.class,
                List.of(args));
        Processes.Result r = Processes.run(cmd, env, null, Duration.ofMinutes(2));
        runs.add(r);
        return r;
    }

    /** {@code token init}: a fresh token {@code label} in {@code module}, with its SO and user PIN files. */
    Processes.Result tokenInit(String module, String label, Path soPinFile, String pinFile)
            throws IOException, InterruptedException {
        return run(
                "token",
                "init",
                "--module",
                module,
                "--label",
                label,
                "--so-pin-file",
                soPinFile.toString(),
                "--pin-file",
                pinFile);
    }

    /** {@code identity create}: key {@code label} on {@code token}, its files written to {@code out}. */
    Processes.Result identityCreate(String token, String pinFile, String label, Path out)
            throws IOException, InterruptedException {
        return run(
                "identity",
                "create",
                "--token",
                token,
                "--pin-file",
                pinFile,
                "--label",
                label,
                "--out",
                out.toString());
    }

    /** {@code identity list} of the keys on {@code token}; {@code more} are further options. */
    Processes.Result identityList(String token, String pinFile, String... more)
            throws IOException, InterruptedException {
        return run(concat(List.of("identity", "list", "--token", token, "--pin-file", pinFile), more));
    }

    /**
     * {@code identity sign} of {@code in} into {@code sig} with the key at {@code keyUri}; {@code
     * more} are further options.
     */
    Processes.Result identitySign(String keyUri, String pinFile, Path in, Path sig, String... more)
            throws IOException, InterruptedException {
        return run(concat(
                List.of(
                        "identity",
                        "sign",
                        "--key",
                        keyUri,
                        "--pin-file",
                        pinFile,
                        "--in",
                        in.toString(),
                        "--out",
                        sig.toString()),
                more));
    }

    /** {@code identity verify} of {@code sig} over {@code in} against the public key file {@code pem}. */
    Processes.Result verifyWithKey(Path pem, Path in, Path sig, String... more)
            throws IOException, InterruptedException {
        return run(concat(
                List.of("identity", "verify", "--pub", pem.toString(), "--in", in.toString(), "--sig", sig.toString()),
                more));
    }

    /** {@code identity verify} of {@code sig} over {@code in} against peer {@code id} pinned in {@code peers}. */
    Processes.Result verifyWithPin(Path peers, String id, Path in, Path sig) throws IOException, InterruptedException {
        return run(
                "identity",
                "verify",
                "--peers",
                peers.toString(),
                "--id",
                id,
                "--in",
                in.toString(),
                "--sig",
                sig.toString());
    }

    private static String[] concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** The identity id that {@code identity create} printed on its "identity_id: " line. */
    static String printedIdentityId(Processes.Result create) {
        return create.stdout()
                .lines()
                .filter(l -> l.startsWith("identity_id: "))
                .findFirst()
                .orElseThrow()
                .substring("identity_id: ".length());
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
