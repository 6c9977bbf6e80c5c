package dev.psk.tunnel.cli.status;

import dev.psk.tunnel.device.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a device's status file for {@code psk-tunnel show}, reporting the first failure once (a
 * status file is a convenience: the tunnel keeps running without it). The point-to-point daemon
 * calls {@link #write()} from its own tick (its document carries the pad's figures); the hub
 * server and client use {@link #start}, which rewrites the file every second on a daemon thread
 * until {@link #close()} removes it.
 */
public final class StatusWriter implements AutoCloseable {
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final Path file;
    private final Supplier<ObjectNode> document;
    private final String what;
    private final Consumer<String> warn;
    private boolean warned;
    private Thread thread;
    private volatile boolean stopped;

    /**
     * @param document the current status, made afresh for each write
     * @param what what the file describes, for the warning ("tunnel", "hub server")
     * @param warn told once if the file cannot be written
     */
    public StatusWriter(Path file, Supplier<ObjectNode> document, String what, Consumer<String> warn) {
        this.file = file;
        this.document = document;
        this.what = what;
        this.warn = warn;
    }

    /** Where a device's status goes by default: {@code /run/psk-tunnel/NAME.json}. */
    public static Path defaultPath(String interfaceName) {
        return StatusFile.defaultPath(interfaceName);
    }

    /**
     * Starts writing {@code device}'s status (no pad section) to {@code file} every second.
     *
     * @param role shown by {@code show}, e.g. "hub server"
     * @param warn told once if the file cannot be written
     */
    public static StatusWriter start(Path file, Device device, String role, int listenPort, Consumer<String> warn) {
        Instant started = Instant.now();
        StatusWriter w = new StatusWriter(
                file, () -> StatusFile.document(device, role, listenPort, started, PeerFacts.DEFAULT), role, warn);
        w.thread = Thread.ofPlatform().daemon(true).name("psk-status").start(() -> {
            while (!w.stopped) {
                w.write();
                try {
                    Thread.sleep(INTERVAL);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return w;
    }

    /** Writes the current status now (one thread at a time). */
    public void write() {
        try {
            StatusFile.write(file, document.get());
        } catch (IOException | RuntimeException e) {
            if (!warned) {
                warned = true;
                warn.accept("status file " + file + " cannot be written (" + e.getMessage()
                        + "); 'psk-tunnel show' will not see this " + what);
            }
        }
    }

    /** Stops the writer thread, if any, and removes the file. Idempotent. */
    @Override
    public void close() {
        stopped = true;
        try {
            if (thread != null) {
                thread.interrupt();
                thread.join(2000);
            }
            Files.deleteIfExists(file);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // a stale file is reported as "NOT RUNNING" by show
        }
    }
}
