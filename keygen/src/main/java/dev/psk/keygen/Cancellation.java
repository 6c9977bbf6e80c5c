package dev.psk.keygen;

import java.time.Duration;

/**
 * Coordinates an interrupt (Ctrl-C runs a shutdown hook on another thread) with a generation in
 * progress. Before the commit point the generation aborts and removes its temporary file; after it
 * (the data is complete and fsynced, only renames remain) the generation finishes, so an
 * interrupt never leaves a pad without its sidecar or half a rename. Thread-safe.
 */
public final class Cancellation {
    private boolean cancelled;
    private boolean committing;
    private boolean finished;

    /** Requests an abort; returns true when the work will abort, false when it is already committing. */
    public synchronized boolean cancel() {
        cancelled = true;
        return !committing;
    }

    public synchronized boolean isCancelled() {
        return cancelled && !committing;
    }

    /**
     * The point of no return.
     *
     * @throws GenerationCancelledException when an abort was requested before it
     */
    public synchronized void beginCommit() throws GenerationCancelledException {
        if (cancelled) {
            throw new GenerationCancelledException();
        }
        committing = true;
    }

    /** The work is over, committed or cleaned up. */
    public synchronized void finish() {
        finished = true;
        notifyAll();
    }

    /** Waits until {@link #finish()} or the timeout; returns whether the work finished. */
    public synchronized boolean awaitFinish(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!finished) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
