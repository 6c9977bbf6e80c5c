package dev.psk.identity.testing;

import dev.psk.common.testing.Processes;
import dev.psk.common.testing.SwtpmCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private TPM 2.0 for one test: swtpm on free loopback ports, its own D-Bus session daemon and
 * tpm2-abrmd on it (tpm2-pkcs11 needs a resource manager), and a tpm2-pkcs11 store
 * directory. {@link #close()} stops all three by their pids and deletes the directory, also after
 * a failed start. {@link #stopResourceManager()} leaves swtpm running for direct-TCTI checks.
 */
public final class SwTpm implements AutoCloseable {
    public static final Path MODULE = Path.of("/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so");

    private final Path dir;
    private final int port;
    private Process abrmd;
    private long dbusPid = -1;

    public SwTpm() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("psk-identity-swtpm-");
        Files.createDirectory(dir.resolve("store"));
        port = freePortPair();
        boolean ok = false;
        try {
            Processes.run(SwtpmCommand.daemon(port, dir), null, null, Duration.ofSeconds(30))
                    .requireSuccess("swtpm");
            Processes.Result bus = Processes.run(
                            List.of(
                                    "dbus-daemon",
                                    "--config-file=/usr/share/dbus-1/session.conf",
                                    "--address=unix:path=" + dir.resolve("bus"),
                                    "--fork",
                                    "--print-pid"),
                            null,
                            null,
                            Duration.ofSeconds(30))
                    .requireSuccess("dbus-daemon");
            dbusPid = Long.parseLong(
                    bus.stdout().strip().lines().findFirst().orElseThrow().strip());
            startResourceManager();
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    private void startResourceManager() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                "tpm2-abrmd", "--session", "--allow-root", "--flush-all", "--tcti=swtpm:host=127.0.0.1,port=" + port);
        pb.environment().put("DBUS_SESSION_BUS_ADDRESS", busAddress());
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("abrmd.log").toFile());
        abrmd = pb.start();
        for (int i = 0; i < 100; i++) {
            if (!abrmd.isAlive()) {
                throw new IllegalStateException("tpm2-abrmd exited: " + Files.readString(dir.resolve("abrmd.log")));
            }
            if (tools(List.of("tpm2_getcap", "properties-fixed")).exitCode() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("tpm2-abrmd did not come up: " + Files.readString(dir.resolve("abrmd.log")));
    }

    @SuppressWarnings("try") // resources held for their lifetime, closed by try
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                p = s.getLocalPort();
            }
            if (p < 65535) {
                try (ServerSocket s2 = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
                    return p;
                } catch (IOException busy) {
                    // try another pair
                }
            }
        }
        throw new IOException("no free pair of loopback ports");
    }

    public String busAddress() {
        return "unix:path=" + dir.resolve("bus");
    }

    public Path dir() {
        return dir;
    }

    /** Environment for tpm2-pkcs11 and tpm2-tools through tpm2-abrmd. */
    public Map<String, String> env() {
        Map<String, String> e = new HashMap<>();
        e.put("DBUS_SESSION_BUS_ADDRESS", busAddress());
        e.put("TPM2TOOLS_TCTI", "tabrmd:bus_type=session");
        e.put("TPM2_PKCS11_TCTI", "tabrmd:bus_type=session");
        e.put("TPM2_PKCS11_STORE", dir.resolve("store").toString());
        e.put("TPM2_PKCS11_LOG_LEVEL", "0");
        return e;
    }

    /** Environment talking to swtpm directly (no resource manager): leaks would accumulate. */
    public Map<String, String> directEnv() {
        Map<String, String> e = env();
        e.put("TPM2TOOLS_TCTI", "swtpm:host=127.0.0.1,port=" + port);
        e.put("TPM2_PKCS11_TCTI", "swtpm:host=127.0.0.1,port=" + port);
        return e;
    }

    /** Runs a tpm2-tools command through the resource manager. */
    public Processes.Result tools(List<String> cmd) throws IOException, InterruptedException {
        return Processes.run(cmd, env(), null, Duration.ofSeconds(30));
    }

    /** Transient object handles in the TPM, through the direct TCTI (only valid after {@link #stopResourceManager()}). */
    public List<String> transientHandlesDirect() throws IOException, InterruptedException {
        Processes.Result r = Processes.run(
                        List.of("tpm2_getcap", "handles-transient"), directEnv(), null, Duration.ofSeconds(30))
                .requireSuccess("tpm2_getcap handles-transient");
        List<String> out = new ArrayList<>();
        r.stdout().lines().map(String::strip).filter(l -> l.startsWith("-")).forEach(out::add);
        return out;
    }

    /** Flushes every transient object (direct TCTI), to take a clean baseline. */
    public void flushTransientDirect() throws IOException, InterruptedException {
        Processes.run(List.of("tpm2_flushcontext", "-t"), directEnv(), null, Duration.ofSeconds(30))
                .requireSuccess("tpm2_flushcontext -t");
    }

    /** Stops tpm2-abrmd (swtpm keeps running) so tools can talk to swtpm directly. */
    public void stopResourceManager() throws InterruptedException {
        if (abrmd != null) {
            abrmd.destroy();
            if (!abrmd.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                abrmd.destroyForcibly().waitFor();
            }
            abrmd = null;
        }
    }

    @Override
    public void close() {
        try {
            stopResourceManager();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill(dbusPid);
        try {
            Path pidFile = SwtpmCommand.pidFile(dir);
            if (Files.exists(pidFile)) {
                kill(Long.parseLong(Files.readString(pidFile).strip()));
            }
        } catch (IOException | NumberFormatException e) {
            // nothing more to stop
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    private static void kill(long pid) {
        SwtpmCommand.stop(pid, Duration.ofSeconds(10));
    }
}
