package dev.psk.tunnel.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link FdGuard} on real descriptors (eventfds): concurrent callers racing close(), idempotent
 * close, typed failure after close, no descriptor leak, and the descriptor-reuse attack that a guard
 * closing at once (the naive version) lets through.
 */
@Timeout(60)
class FdGuardTest {
    private static final long SEED = 0x5eed_f00dL;

    /** One guarded eventfd, as a device holds its descriptor. */
    private static final class Guarded {
        final Arena arena = Arena.ofShared();
        final int fd;
        final AtomicInteger releases = new AtomicInteger();
        final AtomicInteger wakes = new AtomicInteger();
        final FdGuard guard;

        Guarded(long drainNanos) throws Throwable {
            fd = eventfd(arena);
            guard = new FdGuard(wakes::incrementAndGet, this::release, drainNanos);
        }

        private void release() {
            releases.incrementAndGet();
            Libc.closeQuietly(fd, arena);
            arena.close();
        }
    }

    @Test
    void concurrentCallersNeverSeeAReleasedDescriptor() throws Throwable {
        SplittableRandom seeds = new SplittableRandom(SEED);
        long fdsBefore = openDescriptors();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        int rounds = 0;
        long calls = 0;
        while (rounds < 300 && System.nanoTime() < deadline) {
            calls += oneRound(seeds.split(), 2 + rounds % 7);
            rounds++;
        }
        assertThat(rounds).as("rounds run").isGreaterThanOrEqualTo(20);
        assertThat(calls).as("native calls made under the guard").isPositive();
        assertThat(openDescriptors())
                .as("descriptors open after %d rounds", rounds)
                .isEqualTo(fdsBefore);
    }

    /** Threads write to the eventfd in a loop while close() lands at a random moment. */
    private static long oneRound(SplittableRandom random, int threads) throws Throwable {
        Guarded g = new Guarded(TimeUnit.MILLISECONDS.toNanos(500));
        AtomicLong calls = new AtomicLong();
        AtomicReference<String> violation = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = random.nextLong();
            workers.add(Thread.ofPlatform().start(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                try (Arena local = Arena.ofConfined()) {
                    MemorySegment one = local.allocateFrom(ValueLayout.JAVA_LONG, 1L);
                    MemorySegment capture = local.allocate(Libc.CAPTURE_LAYOUT);
                    start.await();
                    while (g.guard.enter()) {
                        try {
                            spin(r.nextInt(200));
                            long n = (long) Libc.WRITE.invokeExact(capture, g.fd, one, 8L);
                            if (n != 8 || g.releases.get() != 0) {
                                violation.compareAndSet(
                                        null, "write inside the guard: " + n + ", releases " + g.releases.get());
                            }
                            calls.incrementAndGet();
                        } finally {
                            g.guard.leave();
                        }
                    }
                } catch (Throwable e) {
                    violation.compareAndSet(null, e.toString());
                }
            }));
        }
        start.countDown();
        spin(random.nextInt(20_000));
        boolean released = random.nextBoolean() ? g.guard.close() : closeFromTwoThreads(g.guard);
        for (Thread w : workers) {
            w.join(10_000);
            assertThat(w.isAlive()).as("worker ended after close").isFalse();
        }
        assertThat(violation.get()).isNull();
        assertThat(released).as("released within the drain time").isTrue();
        assertThat(g.releases.get()).as("release runs exactly once").isEqualTo(1);
        assertThat(g.wakes.get()).as("wake runs exactly once").isEqualTo(1);
        assertThat(g.guard.enter()).as("enter after close").isFalse();
        return calls.get();
    }

    private static boolean closeFromTwoThreads(FdGuard guard) throws InterruptedException {
        Thread other = Thread.ofPlatform().start(guard::close);
        boolean mine = guard.close();
        other.join();
        return mine || guard.isReleased();
    }

    @Test
    void closeIsIdempotentAndLaterCallsFailTyped() throws Throwable {
        long fdsBefore = openDescriptors();
        Guarded g = new Guarded(FdGuard.DEFAULT_DRAIN_NANOS);
        assertThat(g.guard.enter()).isTrue();
        g.guard.leave();
        assertThat(g.guard.isClosing()).isFalse();

        assertThat(g.guard.close()).isTrue();
        assertThat(g.guard.close()).isTrue();
        assertThat(g.releases.get()).isEqualTo(1);
        assertThat(g.wakes.get()).isEqualTo(1);
        assertThat(g.guard.isClosing()).isTrue();
        assertThat(g.guard.isReleased()).isTrue();
        assertThat(g.guard.enter()).isFalse();
        assertThatThrownBy(() -> g.guard.enterOrThrow("TUN device 'x0'"))
                .isInstanceOf(DescriptorClosedException.class)
                .isInstanceOf(IOException.class)
                .hasMessage("TUN device 'x0' is closed");
        assertThat(openDescriptors()).isEqualTo(fdsBefore);
    }

    @Test
    void closeWakesABlockedCallAndReleasesWhenItLeaves() throws Throwable {
        CountDownLatch woken = new CountDownLatch(1);
        AtomicInteger releases = new AtomicInteger();
        AtomicReference<Boolean> releasedInside = new AtomicReference<>();
        FdGuard guard = new FdGuard(woken::countDown, releases::incrementAndGet);
        CountDownLatch inside = new CountDownLatch(1);
        Thread blocked = Thread.ofPlatform().start(() -> {
            if (guard.enter()) {
                try {
                    inside.countDown();
                    woken.await(); // a reader parked in poll(2) until close() writes the eventfd
                    releasedInside.set(releases.get() != 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    guard.leave();
                }
            }
        });
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        assertThat(guard.close()).isTrue();
        assertThat(System.nanoTime() - t0)
                .as("close waited for the woken call, not the drain time")
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(1500));
        blocked.join();
        assertThat(releasedInside.get())
                .as("released while the call was inside")
                .isFalse();
        assertThat(releases.get()).isEqualTo(1);
    }

    @Test
    void wakeAndReleaseFailuresDoNotBreakClose() {
        AtomicInteger releases = new AtomicInteger();
        FdGuard guard = new FdGuard(
                () -> {
                    throw new IOException("eventfd write failed");
                },
                () -> {
                    releases.incrementAndGet();
                    throw new IllegalStateException("close failed");
                },
                TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(guard.close()).isTrue();
        assertThat(guard.close()).isTrue();
        assertThat(releases.get()).isEqualTo(1);
    }

    @Test
    void rejectsNegativeDrainTime() {
        assertThatThrownBy(() -> new FdGuard(() -> {}, () -> {}, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    /**
     * The attack: a call is between loading the descriptor number and using it when close() runs
     * (here: held beyond the drain time), and the process opens a file meanwhile. With the guard the
     * new file gets another number and the late write lands in the guarded eventfd; the naive close
     * (release at once) hands the number over and the late write lands in the new file.
     */
    @Test
    void aLateCallNeverWritesToAFileThatReusedTheNumber() throws Throwable {
        assertThat(lateWriteTarget(true)).as("guarded").isEqualTo("own eventfd");
        assertThat(lateWriteTarget(false)).as("naive close, the attack works").isEqualTo("other file");
    }

    /** Where a call delayed past close() writes: "own eventfd" or "other file". */
    private static String lateWriteTarget(boolean guarded) throws Throwable {
        long fdsBefore = openDescriptors();
        Guarded g = new Guarded(TimeUnit.MILLISECONDS.toNanos(50));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong lateWrite = new AtomicLong(-2);
        Thread late = Thread.ofPlatform().start(() -> {
            if (!g.guard.enter()) {
                return;
            }
            try (Arena local = Arena.ofConfined()) {
                int fd = g.fd; // the number is loaded; the system call has not happened yet
                inside.countDown();
                go.await();
                MemorySegment one = local.allocateFrom(ValueLayout.JAVA_LONG, 1L);
                lateWrite.set((long) Libc.WRITE.invokeExact(local.allocate(Libc.CAPTURE_LAYOUT), fd, one, 8L));
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                g.guard.leave();
            }
        });
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        Path other =
                Files.createTempFile("psk-io-fdguard-" + ProcessHandle.current().pid(), ".bin");
        try (Arena arena = Arena.ofConfined()) {
            if (guarded) {
                assertThat(g.guard.close()).as("released with a call inside").isFalse();
            } else {
                g.release(); // what close(2) at once would do
            }
            MemorySegment capture = arena.allocate(Libc.CAPTURE_LAYOUT);
            int otherFd = (int)
                    Libc.OPEN.invokeExact(capture, arena.allocateFrom(other.toString()), Libc.O_RDWR | Libc.O_CLOEXEC);
            assertThat(otherFd).isNotNegative();
            try {
                assertThat(otherFd == g.fd).as("number reused").isEqualTo(!guarded);
                go.countDown();
                late.join(5_000);
                assertThat(failure.get()).isNull();
                assertThat(lateWrite.get())
                        .as("the late write succeeded somewhere")
                        .isEqualTo(8);
            } finally {
                Libc.closeQuietly(otherFd, arena);
            }
            if (guarded) {
                assertThat(g.releases.get())
                        .as("released by the late call's leave()")
                        .isEqualTo(1);
                assertThat(g.guard.isReleased()).isTrue();
            }
            assertThat(openDescriptors()).as("no descriptor leaked").isEqualTo(fdsBefore);
            return Files.size(other) == 8 ? "other file" : "own eventfd";
        } finally {
            Files.delete(other);
        }
    }

    private static int eventfd(Arena arena) throws Throwable {
        int fd = (int) Libc.EVENTFD.invokeExact(arena.allocate(Libc.CAPTURE_LAYOUT), 0, Libc.EFD_CLOEXEC);
        assertThat(fd).as("eventfd").isNotNegative();
        return fd;
    }

    /**
     * Eventfds open in this process, from /proc/self/fd (only these tests make them, so the count is
     * not disturbed by descriptors the JVM opens meanwhile).
     */
    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(FdGuardTest::isEventfd).count();
        }
    }

    private static boolean isEventfd(Path link) {
        try {
            return Files.readSymbolicLink(link).toString().equals("anon_inode:[eventfd]");
        } catch (IOException e) {
            return false; // closed since it was listed (the listing's own descriptor, for one)
        }
    }

    private static void spin(int iterations) {
        for (int i = 0; i < iterations; i++) {
            Thread.onSpinWait();
        }
    }
}
