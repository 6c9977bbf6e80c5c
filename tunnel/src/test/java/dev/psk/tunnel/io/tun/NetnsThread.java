package dev.psk.tunnel.io.tun;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.psk.common.testing.Processes;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A fresh network namespace and one thread that has entered it with setns(2). Namespaces are per
 * thread on Linux: a TUN device opened on that thread is created in the namespace, and processes
 * that thread starts (the ip command) run there too. The rest of the JVM stays where it was.
 */
@SuppressWarnings("try") // resources held for their lifetime, closed by try
final class NetnsThread implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("open"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("setns"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    final String name;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "netns-test"));

    NetnsThread() throws Exception {
        name = "tsys-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        Processes.run("ip", "netns", "add", name).requireSuccess("ip netns add " + name);
        try {
            call(() -> {
                try (Arena a = Arena.ofConfined()) {
                    int fd = (int) OPEN.invokeExact(a.allocateFrom("/run/netns/" + name), O_RDONLY_CLOEXEC);
                    if (fd < 0 || (int) SETNS.invokeExact(fd, CLONE_NEWNET) != 0) {
                        throw new IllegalStateException("setns into " + name + " failed");
                    }
                } catch (Throwable t) {
                    throw new IllegalStateException("setns into " + name + ": " + t, t);
                }
                return null;
            });
            exec("ip", "link", "set", "lo", "up");
            // No IPv6: router solicitations and MLD reports would otherwise appear on the TUN.
            exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            exec("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Runs {@code task} on the thread inside the namespace. */
    <T> T call(Callable<T> task) throws Exception {
        try {
            return thread.submit(task).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** Runs a command inside the namespace (ip netns exec), requiring success. */
    Processes.Result exec(String... command) throws Exception {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(command, 0, full, 4, command.length);
        return Processes.run(full);
    }

    @Override
    public void close() throws Exception {
        thread.shutdownNow();
        thread.awaitTermination(10, TimeUnit.SECONDS);
        Processes.run("ip", "netns", "del", name);
    }
}
