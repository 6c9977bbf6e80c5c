package dev.psk.attest;

import dev.psk.common.testing.Processes;
import dev.psk.common.testing.SwtpmCommand;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A private swtpm for one test class: free port pair on loopback, its own state directory, killed
 * by pid in {@link #close()}. tpm2-tools run through {@link #tool} with the {@code swtpm:} TCTI and
 * {@code tpm2_flushcontext -t} after each, since there is no resource manager.
 */
public final class Swtpm implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final long pid;

    private Swtpm(Path dir, int port, long pid) {
        this.dir = dir;
        this.port = port;
        this.pid = pid;
    }

    public static Swtpm start() throws IOException, InterruptedException {
        return start(Files.createTempDirectory("psk-attest-swtpm-"));
    }

    /**
     * A swtpm manufactured like a real TPM: {@code swtpm_setup --create-ek-cert
     * --create-platform-cert} writes an RSA 2048 EK certificate (NV 0x01c00002), an ECC P-384 one
     * (0x01c00016) and a platform certificate (0x01c08000), signed by a local CA that lives in
     * {@link #caDir()} — a private swtpm_localca configuration, never the system's.
     */
    public static Swtpm startManufactured() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("psk-attest-swtpm-");
        Path ca = Files.createDirectories(dir.resolve("localca"));
        Files.writeString(
                dir.resolve("localca.conf"),
                "statedir = " + ca + "\nsigningkey = " + ca.resolve("signkey.pem") + "\nissuercert = "
                        + ca.resolve("issuercert.pem") + "\ncertserial = " + ca.resolve("certserial") + "\n");
        Files.writeString(
                dir.resolve("swtpm_setup.conf"),
                "create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = "
                        + dir.resolve("localca.conf")
                        + "\ncreate_certs_tool_options = /etc/swtpm-localca.options\nactive_pcr_banks = sha256\n");
        Processes.Result r = Processes.run(
                List.of(
                        "swtpm_setup",
                        "--tpm2",
                        "--tpmstate",
                        dir.toString(),
                        "--create-ek-cert",
                        "--create-platform-cert",
                        "--overwrite",
                        "--config",
                        dir.resolve("swtpm_setup.conf").toString()),
                null,
                dir,
                Duration.ofMinutes(2));
        if (r.exitCode() != 0) {
            deleteTree(dir);
            throw new IOException("swtpm_setup failed: " + r.stderr() + r.stdout());
        }
        return start(dir);
    }

    /** The local CA of a {@link #startManufactured()} TPM: swtpm-localca-rootca-cert.pem, issuercert.pem, signkey.pem. */
    public Path caDir() {
        return dir.resolve("localca");
    }

    private static Swtpm start(Path dir) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 60000);
            if (!free(port) || !free(port + 1)) {
                continue;
            }
            Processes.Result r = Processes.run(SwtpmCommand.daemon(port, dir), null, dir, Duration.ofSeconds(30));
            if (r.exitCode() != 0) {
                last = new IOException("swtpm failed: " + r.stderr());
                continue;
            }
            long pid =
                    Long.parseLong(Files.readString(SwtpmCommand.pidFile(dir)).strip());
            Swtpm s = new Swtpm(dir, port, pid);
            s.awaitReady();
            return s;
        }
        deleteTree(dir);
        throw last != null ? last : new IOException("no free port pair for swtpm");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IOException("swtpm did not open port " + port);
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** The TPM address in tpm2-tools and psk-attest spelling. */
    public String address() {
        return "swtpm:host=127.0.0.1,port=" + port;
    }

    /** Runs a tpm2-tools command (in the state dir) and flushes transient objects after it. */
    public Processes.Result tool(String... cmd) throws IOException, InterruptedException {
        Map<String, String> env = Map.of("TPM2TOOLS_TCTI", address());
        Processes.Result r = Processes.run(List.of(cmd), env, dir, Duration.ofMinutes(2));
        Processes.run(List.of("tpm2_flushcontext", "-t"), env, dir, Duration.ofSeconds(30));
        return r;
    }

    /** Runs a tpm2-tools command and requires success. */
    public String toolOk(String... cmd) throws IOException, InterruptedException {
        return tool(cmd).requireSuccess(String.join(" ", cmd)).stdout();
    }

    /** Number of transient objects loaded in the TPM now. */
    public int transientObjects() throws IOException, InterruptedException {
        Processes.Result r = Processes.run(
                List.of("tpm2_getcap", "handles-transient"),
                Map.of("TPM2TOOLS_TCTI", address()),
                dir,
                Duration.ofSeconds(30));
        r.requireSuccess("tpm2_getcap");
        return (int)
                r.stdout().lines().filter(l -> l.strip().startsWith("- 0x80")).count();
    }

    @Override
    public void close() {
        SwtpmCommand.stop(pid, Duration.ofSeconds(5));
        try {
            deleteTree(dir);
        } catch (IOException ignored) {
            // best effort: a temp dir
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
