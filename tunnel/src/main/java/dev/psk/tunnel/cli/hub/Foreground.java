package dev.psk.tunnel.cli.hub;

import dev.psk.common.Signals;
import dev.psk.common.cli.ExitCodes;
import dev.psk.common.log.LogSink;
import dev.psk.tunnel.device.Device;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a hub command (server or client) in the foreground until SIGINT or SIGTERM, or until its
 * device fails, then closes its resources once, last opened first (the status file goes first, so
 * {@code show} never reports a stopping daemon as running), prints one "stopped" line with the
 * reason and returns the exit code: 0 after a signal, as the point-to-point tunnel does (not the
 * JVM's 143), 1 after a failure or a resource that could not be closed cleanly.
 *
 * <p>A shutdown hook covers every other way the JVM may end (and platforms where the signals
 * cannot be trapped): it asks for the same stop and waits for it to finish.
 */
final class Foreground {
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(15);

    private final String what;
    private final LogSink log;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile String reason;
    private volatile boolean failed;

    /**
     * @param what the daemon in the stop line, e.g. "hub server pskh0"
     * @param log where the stop line goes
     */
    Foreground(String what, LogSink log) {
        this.what = what;
        this.log = log;
        for (String name : new String[] {"INT", "TERM"}) {
            Signals.handle(name, () -> stop("SIG" + name)); // where it cannot, run's shutdown hook stops us
        }
    }

    /** Asks for a clean stop (any thread; returns at once); the first reason given wins. */
    void stop(String why) {
        request(why, false);
    }

    /** Asks for a stop after a failure that leaves the daemon unable to work (exit 1). */
    void fail(String why) {
        request(why, true);
    }

    /**
     * Stops with a failure when {@code device} fails, including a failure it reported before this
     * call (before the listener was in place).
     */
    void failWhen(Device device) {
        device.onFailure(this::fail);
        if (device.failure() != null) {
            fail(device.failure());
        }
    }

    private synchronized void request(String why, boolean failure) {
        if (reason == null) {
            reason = why;
            failed = failure;
            dev.psk.common.SystemdNotify.stopping();
        }
        stop.countDown();
    }

    /** Waits for a stop (signals are trapped from construction on), closes {@code resources}, returns the exit code. */
    int run(AutoCloseable... resources) throws InterruptedException {
        Thread hook = Thread.ofPlatform().name("hub-stop").unstarted(this::onShutdown);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
            return closeAll(resources);
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is the one waiting for us
            }
        }
    }

    private int closeAll(AutoCloseable... resources) {
        StringBuilder problems = new StringBuilder();
        for (int i = resources.length - 1; i >= 0; i--) {
            try {
                if (resources[i] != null) {
                    resources[i].close();
                }
            } catch (Exception e) {
                problems.append("; closing failed: ").append(e.getMessage()); // keep closing the rest
            }
        }
        boolean failure = failed || !problems.isEmpty();
        String line = what + " stopped" + (failed ? ": " + reason : " (" + reason + ")") + problems;
        if (failure) {
            log.error(line);
        } else {
            log.info(line);
        }
        return failure ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    private void onShutdown() {
        stop("shutdown");
        try {
            stopped.await(SHUTDOWN_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
