package dev.psk.tunnel.hub;

import dev.psk.common.Signals;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Reloads the hub configuration when its file changes (inotify through {@link WatchService},
 * which also sees atomic rename-into-place; a modification-time poll every
 * {@link #POLL_MILLIS} ms backs it up) or on SIGHUP. A file that fails validation, or that others
 * could have written ({@link ConfigFileSafety}), is refused and the running configuration stays (the
 * error is logged with its line and member, and counted); an applied file ends the
 * sessions of removed or disabled clients at once, well within one second of the write.
 *
 * <p>Thread-safety: one watcher thread; {@link #reloadNow} may be called from any thread.
 */
public final class HubReloader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HubReloader.class.getName());
    static final long POLL_MILLIS = 250;

    private final Path file;
    private final HubServer hub;
    private final WatchService watch;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile FileTime lastSeen;
    private volatile String lastRefusal = "";
    private volatile boolean closed;
    private Thread thread;

    public HubReloader(Path file, HubServer hub) throws IOException {
        this.file = file.toAbsolutePath();
        this.hub = hub;
        this.watch = FileSystems.getDefault().newWatchService();
        this.file
                .getParent()
                .register(
                        watch,
                        StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE);
        this.lastSeen = modified();
    }

    public void start() {
        thread = Thread.ofPlatform().name("hub-reload").daemon().start(this::loop);
    }

    /** Installs a SIGHUP handler that calls {@link #reloadNow} (JDK sun.misc.Signal; no-op where unsupported). */
    public void handleSighup() {
        if (!Signals.handle("HUP", () -> Thread.ofPlatform().daemon().start(this::reloadNow))) {
            LOG.warning("SIGHUP not available here: reload on file change only");
        }
    }

    public long reloadsApplied() {
        return applied.get();
    }

    public long reloadsRefused() {
        return refused.get();
    }

    /** Why the last refused reload was refused (file, line, member, what was expected), or "". */
    public String lastRefusal() {
        return lastRefusal;
    }

    /** Reads, validates and applies the file now. @return true when applied */
    public synchronized boolean reloadNow() {
        lastSeen = modified();
        try {
            HubConfig next = HubConfigParser.readServer(file);
            hub.reload(next);
            applied.incrementAndGet();
            return true;
        } catch (ConfigException e) {
            lastRefusal = e.getMessage();
            refused.incrementAndGet();
            LOG.severe("configuration NOT reloaded, the previous one stays in force: " + e.getMessage());
            return false;
        }
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    private void loop() {
        while (!closed) {
            try {
                WatchKey key = watch.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                boolean ours = false;
                if (key != null) {
                    for (var ev : key.pollEvents()) {
                        Object ctx = ev.context();
                        if (ev.kind() == StandardWatchEventKinds.OVERFLOW
                                || (ctx instanceof Path p && p.equals(file.getFileName()))) {
                            ours = true;
                        }
                    }
                    key.reset();
                }
                FileTime now = modified();
                if (ours || (now != null && !now.equals(lastSeen))) {
                    if (now != null) {
                        reloadNow();
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watch.close();
        } catch (IOException e) {
            // closing
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
