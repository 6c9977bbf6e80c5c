package dev.psk.tunnel.state;

import dev.psk.common.state.TunnelState;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.pad.SlotSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Owns one state file and makes reservations durable off the packet threads.
 *
 * <p>Packet threads ask for a larger TX reservation or RX floor ({@link #request}); a single writer
 * thread coalesces requests, writes the file through AtomicFiles (fsync, rename, directory fsync)
 * and only then publishes the new durable bounds ({@link #txDurable()}, {@link #rxDurable()}).
 * The data plane never uses a TX sequence at or above {@code txDurable()} and never accepts an RX
 * sequence at or above {@code rxDurable()}, so whatever instant the process dies at, the file on
 * disk covers everything that was used.
 *
 * <p>The same thread erases consumed slots: once the TX position and the lowest RX sequence still
 * acceptable (restart floor and replay window) are both past a slot, its 120 bytes are zeroed and
 * the pad synced, then {@code erased_slots} is written. A read-only pad is left as it is.
 */
public final class StateKeeper implements AutoCloseable {
    /** How often the writer looks for slots to erase when no reservation is pending. */
    static final Duration ERASE_CHECK_INTERVAL = Duration.ofMillis(500);

    private final Path file;
    private final PadFile pad;
    private final Consumer<String> log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition durableChanged = lock.newCondition();
    private final Thread writer;

    private volatile long txDurable;
    private volatile long rxDurable;
    private volatile long erasedSlots;
    private volatile long txPosition;
    private volatile long rxLowestAcceptable;
    private volatile Throwable failure;
    private volatile boolean stopping;
    private long txRequested; // guarded by lock
    private long rxRequested; // guarded by lock
    private TunnelState written; // writer thread (and close after join)

    /** Starts the writer for {@code initial}, which must already be on disk in {@code file}. */
    public StateKeeper(Path file, PadFile pad, TunnelState initial, Consumer<String> log) {
        this.file = file;
        this.pad = pad;
        this.log = log;
        this.written = initial;
        this.txDurable = initial.txReservedUntil();
        this.rxDurable = initial.rxFloor();
        this.erasedSlots = initial.erasedSlots();
        this.txRequested = txDurable;
        this.rxRequested = rxDurable;
        this.txPosition = initial.txReservedUntil();
        this.rxLowestAcceptable = initial.rxFloor();
        this.writer = Thread.ofPlatform().name("psk-state-writer").daemon(true).unstarted(this::run);
        writer.start();
    }

    public Path file() {
        return file;
    }

    /** TX sequences below this are covered by the file on disk. */
    public long txDurable() {
        return txDurable;
    }

    /** RX sequences below this are covered by the file on disk. */
    public long rxDurable() {
        return rxDurable;
    }

    /** Data slots {@code [0, erasedSlots())} are erased (or, on a read-only pad, retired). */
    public long erasedSlots() {
        return erasedSlots;
    }

    /** The writer's failure (disk full, I/O error), or null. After a failure nothing new becomes durable. */
    public Throwable failure() {
        return failure;
    }

    /** Asks for the TX reservation ({@code tx}) or RX floor to reach {@code until}; returns at once. */
    public void request(boolean tx, long until) {
        lock.lock();
        try {
            if (tx && until > txRequested) {
                txRequested = until;
                work.signal();
            } else if (!tx && until > rxRequested) {
                rxRequested = until;
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until {@code seq} is below the durable bound of its direction, at most {@code timeout}. */
    public boolean await(boolean tx, long seq, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (seq >= (tx ? txDurable : rxDurable)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || failure != null || stopping) {
                    return false;
                }
                durableChanged.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Progress of the packet threads, for erasure: the next TX sequence (TX thread only). */
    public void publishTx(long nextTxSeq) {
        txPosition = nextTxSeq;
    }

    /** Progress for erasure: the lowest RX sequence that could still be accepted (RX thread only). */
    public void publishRx(long lowestAcceptable) {
        rxLowestAcceptable = lowestAcceptable;
    }

    private void run() {
        while (true) {
            long tx;
            long rx;
            lock.lock();
            try {
                if (!stopping && txRequested <= txDurable && rxRequested <= rxDurable) {
                    work.await(ERASE_CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                }
                if (stopping) {
                    return;
                }
                tx = Math.max(txRequested, txDurable);
                rx = Math.max(rxRequested, rxDurable);
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                long erased = eraseConsumed();
                TunnelState next =
                        written.withTx(tx).withRx(rx).withErased(erased).withCleanStop(false);
                if (!next.equals(written)) {
                    StateFile.write(file, next);
                    written = next;
                }
                publish(next);
            } catch (IOException | RuntimeException e) {
                failure = e;
                log.accept("state file " + file + " cannot be written (" + dev.psk.common.IoErrors.reason(e)
                        + "): no further sequence numbers can be reserved");
                signalWaiters();
                return;
            }
        }
    }

    private long eraseConsumed() throws IOException {
        long done = Math.min(SlotSchedule.slotOf(txPosition), SlotSchedule.slotOf(rxLowestAcceptable));
        long target = Math.min(done, pad.dataSlotCount());
        long erased = written.erasedSlots();
        if (target <= erased) {
            return erased;
        }
        if (!pad.writable()) {
            return erased; // the session warned once at start
        }
        pad.erase(erased, target);
        return target;
    }

    private void publish(TunnelState s) {
        lock.lock();
        try {
            txDurable = s.txReservedUntil();
            rxDurable = s.rxFloor();
            erasedSlots = s.erasedSlots();
            durableChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void signalWaiters() {
        lock.lock();
        try {
            durableChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void stopWriter() {
        lock.lock();
        try {
            stopping = true;
            work.signalAll();
            durableChanged.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Clean stop, after the packet threads have stopped: writes the exact positions so that no
     * sequence is wasted across a clean restart. {@code finalTx} must not exceed what was reserved
     * and {@code finalRx} must exceed every accepted sequence; both are clamped to the durable
     * bounds so a caller error can never lower the file below what was used.
     */
    public void close(long finalTx, long finalRx) throws TunnelStateException {
        close(finalTx, finalRx, true);
    }

    /**
     * @param exact whether the positions are exact; when not, the file keeps {@code clean_stop:
     *     false} so the next start signals a restart to the peer (docs/protocol.md, "Restart signal")
     */
    private void close(long finalTx, long finalRx, boolean exact) throws TunnelStateException {
        stopWriter();
        if (failure != null) {
            throw new TunnelStateException(
                    "state file " + file + " could not be written: " + dev.psk.common.IoErrors.reason(failure),
                    failure);
        }
        long erased;
        try {
            erased = eraseConsumed();
        } catch (IOException e) {
            erased = written.erasedSlots();
            log.accept("erasing consumed slots of pad " + pad.path() + " failed: " + e.getMessage());
        }
        TunnelState last = written.withTx(Math.min(Math.max(finalTx, 0), txDurable))
                .withRx(Math.min(Math.max(finalRx, 0), rxDurable))
                .withErased(erased)
                .withCleanStop(exact);
        try {
            StateFile.write(file, last);
            written = last;
        } catch (IOException e) {
            throw new TunnelStateException(
                    "state file " + file + " could not be written on stop: " + dev.psk.common.IoErrors.reason(e)
                            + " (the previous content stays valid)",
                    e);
        }
    }

    /** Closes with the durable bounds unchanged (the packet threads' positions are unknown). */
    @Override
    public void close() throws TunnelStateException {
        close(txDurable, rxDurable, false);
    }

    /** Stops the writer without a final write, as a crash would: for crash tests only. */
    public void abandonForTesting() {
        stopWriter();
    }

    /** What is on disk now (as far as this process wrote it). */
    public TunnelState written() {
        return written;
    }
}
