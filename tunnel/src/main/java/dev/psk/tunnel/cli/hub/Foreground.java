package dev.psk.tunnel.cli.hub;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a command in the foreground until SIGINT or SIGTERM, then runs its cleanup once (shutdown
 * hook), so the TUN interface and socket go away on a clean stop.
 */
final class Foreground {
    private Foreground() {}

    static void runUntilSignalled(AutoCloseable... resources) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    dev.psk.common.SystemdNotify.stopping();
                    for (int i = resources.length - 1; i >= 0; i--) {
                        try {
                            if (resources[i] != null) {
                                resources[i].close();
                            }
                        } catch (Exception e) {
                            // stopping: keep closing the rest
                        }
                    }
                    stopped.countDown();
                },
                "hub-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
    }
}
