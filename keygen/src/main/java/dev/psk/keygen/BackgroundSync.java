package dev.psk.keygen;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * fdatasyncs a file on its own thread when asked, so the kernel writes a large file back while it
 * is still being produced instead of all at the final fsync (with default dirty ratios Linux would
 * otherwise keep a whole gigabyte dirty). Never interrupted: an interrupted {@code force} would close
 * the channel. Requests while a sync runs coalesce into one more sync.
 */
final class BackgroundSync {
    private final FileChannel channel;
    private final Thread thread;
    private boolean requested;
    private boolean stopped;
    private IOException failure;

    BackgroundSync(FileChannel channel) {
        this.channel = channel;
        this.thread = Thread.ofPlatform().daemon().name("psk-keygen-sync").start(this::run);
    }

    synchronized void request() {
        requested = true;
        notifyAll();
    }

    /** Stops after the sync in progress, if any; waits for it. */
    void stop() {
        synchronized (this) {
            stopped = true;
            notifyAll();
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rethrows the first failed sync (an I/O error on the device). */
    synchronized void rethrow() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    private void run() {
        while (true) {
            synchronized (this) {
                while (!requested && !stopped) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopped) {
                    return;
                }
                requested = false;
            }
            try {
                channel.force(false);
            } catch (IOException e) {
                synchronized (this) {
                    if (failure == null) {
                        failure = e;
                    }
                }
                return;
            }
        }
    }
}
