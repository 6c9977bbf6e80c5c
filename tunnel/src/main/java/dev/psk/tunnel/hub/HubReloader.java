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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Reloads the hub configuration when its file changes (inotify through {@link WatchService},
 * which also sees atomic rename-into-place; a poll of the file's attributes every
 * {@link #POLL_MILLIS} ms backs it up) or on SIGHUP. A file that fails validation, that others
 * could have written ({@link ConfigFileSafety}), or that changes a field only a restart can apply
 * ({@link RestartOnlyFields}: "restart needed") is refused as a whole and the running configuration
 * stays (the error is logged with its line and member, and counted); an applied file ends the
 * sessions of removed or disabled clients at once, well within one second of the write.
 *
 * <p>One write, one reload: events only wake the watcher; it reloads when the file's attributes
 * (size, modification and change time, inode, mode, owner) differ from those it last read, and
 * only once they have stayed the same for {@link #SETTLE_MILLIS} ms, so a write in several steps
 * (truncate, then write) is read once, whole, and the events it leaves behind cause nothing.
 *
 * <p>Thread-safety: one watcher thread; {@link #reloadNow} may be called from any thread.
 */
public final class HubReloader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HubReloader.class.getName());
    static final long POLL_MILLIS = 250;
    /** How long the file must stay unchanged before it is read. */
    static final long SETTLE_MILLIS = 100;
    /** A file that keeps changing longer than this is read anyway (and again when it settles). */
    private static final long SETTLE_LIMIT_MILLIS = 2000;

    private final Path file;
    private final HubServer hub;
    private final WatchService watch;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile Object lastSeen;
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
        this.lastSeen = signature();
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
        lastSeen = signature(); // before reading: a write that lands meanwhile is seen again
        try {
            HubConfig next = HubConfigParser.readServer(file);
            List<String> restart = RestartOnlyFields.changed(hub.config(), next);
            if (!restart.isEmpty()) {
                throw new ConfigException(file + ": restart needed to change " + String.join(", ", restart)
                        + " (the running hub cannot apply them; nothing in this file was applied)");
            }
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

    /**
     * What identifies one version of the file without reading it, or null when it is missing: a
     * rewrite in place changes size or times, a rename-into-place the inode, a chmod or chown the
     * change time, mode and owner.
     */
    private Object signature() {
        try {
            return Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,ino,mode,uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            try {
                return Files.readAttributes(file, "size,lastModifiedTime,fileKey");
            } catch (IOException e2) {
                return null;
            }
        }
    }

    private void loop() {
        while (!closed) {
            try {
                WatchKey key = watch.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents(); // only a wake-up: whether to reload is the signature's call
                    key.reset();
                }
                Object now = signature();
                if (now != null && !now.equals(lastSeen)) {
                    settle(now);
                    if (!closed) {
                        reloadNow();
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
        }
    }

    /** Waits until the file has not changed for {@link #SETTLE_MILLIS} (at most {@link #SETTLE_LIMIT_MILLIS}). */
    private void settle(Object seen) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_LIMIT_MILLIS);
        while (System.nanoTime() < deadline) {
            Thread.sleep(SETTLE_MILLIS);
            Object now = signature();
            if (Objects.equals(now, seen)) {
                return;
            }
            seen = now;
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
