package dev.psk.tunnel.io;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets {@code close()} run while other threads are inside, or about to enter, native calls on a
 * file descriptor, without ever closing the descriptor under such a call.
 *
 * <p>Why: a descriptor number is only an index. If {@code close(2)} ran while a thread was between
 * loading the number and entering {@code read(2)}, the next {@code open}/{@code socket}/... in the
 * process would get the same number (the kernel hands out the lowest free one), and the late call
 * would read or write someone else's file. So the owner brackets every use of its descriptors with
 * {@link #enter()}/{@link #leave()} and closes them only through {@link #close()}, which hands the
 * actual {@code close(2)} (the {@code release} action) to whoever is last out. This is the reference
 * count Go's {@code internal/poll.FD} keeps, combined with the wake-up that wireguard-go's
 * {@code rwcancel} gives a reader blocked in {@code poll(2)}.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #enter()} returns true only if {@link #close()} has not begun; the resources then
 *       stay open at least until the matching {@link #leave()}. After close() has begun it returns
 *       false and the caller must not touch the descriptor: the owner reports "closed" (-1, or a
 *       {@link DescriptorClosedException}).
 *   <li>{@link #close()}, the first time: marks the guard closing, runs {@code wake} (with the
 *       resources still open, so that it may write to an eventfd or shut a socket down) to make
 *       blocked calls return, waits up to the drain time for the calls in flight to {@link
 *       #leave()}, and returns. {@code release} runs exactly once, as soon as no call is inside: in
 *       close() itself normally, else in the {@link #leave()} of the last call out (a thread starved
 *       of CPU for longer than the drain time). Later close() calls return at once.
 *   <li>Calls that honour {@link #isClosing()} at their own checkpoints (after a wake-up, between
 *       system calls) give up early; the guard itself never interrupts anything.
 * </ul>
 *
 * <p>Cost per call: one compare-and-set on enter and one decrement on leave; nothing allocated.
 */
public final class FdGuard {
    /** A native step of closing: errors are the owner's to ignore (see the constructor). */
    @FunctionalInterface
    public interface Action {
        void run() throws Throwable;
    }

    /** How long {@link #close()} waits for calls in flight by default. */
    public static final long DEFAULT_DRAIN_NANOS = 2_000_000_000L;

    /** High bit of {@link #state}: close() has begun. The low 31 bits count calls inside. */
    private static final int CLOSING = 0x8000_0000;

    private static final int COUNT = 0x7fff_ffff;

    private final AtomicInteger state = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);
    private final Action wake;
    private final Action release;
    private final long drainNanos;

    /**
     * @param wake makes calls blocked on the descriptor return (e.g. write to an eventfd they poll,
     *     {@code shutdown(2)} a socket); runs once, before release; a failure is ignored (close()
     *     then waits the drain time at most)
     * @param release closes the descriptors and frees native memory; runs exactly once, when no call
     *     is inside; a failure is ignored (nothing useful can be done on a cleanup path)
     * @param drainNanos how long close() waits for calls in flight before leaving release to them
     */
    public FdGuard(Action wake, Action release, long drainNanos) {
        if (drainNanos < 0) {
            throw new IllegalArgumentException("drain time must be >= 0 ns, not " + drainNanos);
        }
        this.wake = wake;
        this.release = release;
        this.drainNanos = drainNanos;
    }

    /** A guard with the {@linkplain #DEFAULT_DRAIN_NANOS default drain time}. */
    public FdGuard(Action wake, Action release) {
        this(wake, release, DEFAULT_DRAIN_NANOS);
    }

    /**
     * Starts a call: true if the descriptors may be used until the matching {@link #leave()}, false
     * once {@link #close()} has begun (then do not call leave()).
     */
    public boolean enter() {
        while (true) {
            int s = state.get();
            if ((s & CLOSING) != 0) {
                return false;
            }
            if ((s & COUNT) == COUNT) {
                throw new IllegalStateException("more than " + COUNT + " calls inside one descriptor");
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /**
     * {@link #enter()} for calls whose contract is to throw once closed.
     *
     * @param what names the descriptor's owner in the exception, e.g. "TUN device 'psk0'"
     */
    public void enterOrThrow(String what) throws DescriptorClosedException {
        if (!enter()) {
            throw new DescriptorClosedException(what);
        }
    }

    /** Ends a call begun by a successful {@link #enter()}; the last call out of a closing guard releases. */
    public void leave() {
        if (state.decrementAndGet() == CLOSING) {
            releaseNow();
        }
    }

    /** Whether {@link #close()} has begun: calls in flight should give up at their next checkpoint. */
    public boolean isClosing() {
        return (state.get() & CLOSING) != 0;
    }

    /** Whether {@code release} has run (the descriptor numbers may belong to someone else now). */
    public boolean isReleased() {
        return released.getCount() == 0;
    }

    /**
     * Begins closing (once): wake, wait up to the drain time for calls in flight, release when none is
     * left. Idempotent and callable from any thread. A thread that closes from inside a call keeps
     * its own count, so it waits the whole drain time and release happens when it leaves.
     *
     * @return whether the descriptors were released by the time close() returned
     */
    public boolean close() {
        // Take a count of our own together with the flag, so that wake() runs on open descriptors
        // even if every call in flight leaves meanwhile.
        int before = state.getAndUpdate(s -> (s & CLOSING) != 0 ? s : (s + 1) | CLOSING);
        if ((before & CLOSING) != 0) {
            return isReleased();
        }
        try {
            wake.run();
        } catch (Throwable ignored) {
            // The drain below still bounds close(); release happens when the calls leave.
        } finally {
            leave();
        }
        try {
            return released.await(drainNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return isReleased();
        }
    }

    private void releaseNow() {
        try {
            release.run();
        } catch (Throwable ignored) {
            // See the constructor: a failed close on a cleanup path cannot be repaired.
        } finally {
            released.countDown();
        }
    }

    @Override
    public String toString() {
        int s = state.get();
        return "FdGuard[" + ((s & CLOSING) != 0 ? (isReleased() ? "released" : "closing") : "open") + ", " + (s & COUNT)
                + " inside]";
    }
}
