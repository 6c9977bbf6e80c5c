package dev.psk.tunnel.cli;

import dev.psk.tunnel.device.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Keeps the status file of a hub server or client current for {@code psk-tunnel show}: rewritten
 * every second by a daemon thread, removed on {@link #close()}. The point-to-point daemon writes its
 * own (with the pad's figures) from its stats tick.
 */
public final class StatusWriter implements AutoCloseable {
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final Path file;
    private final Thread thread;
    private volatile boolean stopped;

    private StatusWriter(Path file, Device device, String role, int listenPort, Consumer<String> warn) {
        this.file = file;
        Instant started = Instant.now();
        this.thread = Thread.ofPlatform().daemon(true).name("psk-status").unstarted(() -> {
            boolean warned = false;
            while (!stopped) {
                try {
                    StatusFile.write(file, StatusFile.document(device, role, listenPort, started));
                } catch (IOException | RuntimeException e) {
                    if (!warned) {
                        warn.accept("status file " + file + " cannot be written (" + e.getMessage()
                                + "); 'psk-tunnel show' will not see this " + role);
                        warned = true;
                    }
                }
                try {
                    Thread.sleep(INTERVAL);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Where a device's status goes by default: {@code /run/psk-tunnel/NAME.json}. */
    public static Path defaultPath(String interfaceName) {
        return StatusFile.defaultPath(interfaceName);
    }

    /**
     * Starts writing {@code device}'s status to {@code file} every second.
     *
     * @param role shown by {@code show}, e.g. "hub server"
     * @param warn told once if the file cannot be written
     */
    public static StatusWriter start(Path file, Device device, String role, int listenPort, Consumer<String> warn) {
        StatusWriter w = new StatusWriter(file, device, role, listenPort, warn);
        w.thread.start();
        return w;
    }

    /** Stops the writer and removes the file. Idempotent. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2000);
            Files.deleteIfExists(file);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // a stale file is reported as "NOT RUNNING" by show
        }
    }
}
