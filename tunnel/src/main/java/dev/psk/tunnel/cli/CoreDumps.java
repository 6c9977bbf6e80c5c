package dev.psk.tunnel.cli;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Keeps pad slots, session keys and token PINs out of core dumps (issue #12): {@code
 * prctl(PR_SET_DUMPABLE, 0)} stops the kernel writing a core for this process and makes its
 * {@code /proc/PID} files (memory, environ) root-owned, so that other processes of the same user
 * cannot read or ptrace it. The unit's {@code LimitCORE=0} says the same to systemd.
 *
 * <p>A tiny FFM binding of its own, to be replaced by {@code io.Libc} once that carries prctl.
 */
public final class CoreDumps {
    /** include/uapi/linux/prctl.h. */
    private static final int PR_GET_DUMPABLE = 3;

    private static final int PR_SET_DUMPABLE = 4;

    private CoreDumps() {}

    /** Makes this process non-dumpable; false when the call is unavailable or failed (not Linux). */
    public static boolean disable() {
        return prctl(PR_SET_DUMPABLE, 0).orElse(-1) == 0;
    }

    /** Whether this process is dumpable ({@code PR_GET_DUMPABLE}); empty when unknown. */
    public static Optional<Boolean> dumpable() {
        return prctl(PR_GET_DUMPABLE, 0).filter(r -> r >= 0).map(r -> r != 0);
    }

    private static Optional<Integer> prctl(int option, long arg) {
        try {
            Linker linker = Linker.nativeLinker();
            var symbol = linker.defaultLookup().find("prctl");
            if (symbol.isEmpty()) {
                return Optional.empty();
            }
            MethodHandle h = linker.downcallHandle(
                    symbol.get(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG),
                    Linker.Option.firstVariadicArg(1));
            return Optional.of((int) h.invokeExact(option, arg));
        } catch (Throwable e) { // no native access, no libc: the caller reports it
            return Optional.empty();
        }
    }
}
