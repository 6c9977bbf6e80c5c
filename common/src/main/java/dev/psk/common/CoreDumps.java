package dev.psk.common;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Keeps keys out of core dumps: {@code prctl(PR_SET_DUMPABLE, 0)} (Linux, through FFM) makes the
 * kernel write no core file for this process, and also refuses {@code ptrace} attaches and
 * {@code /proc/PID/mem} reads by other processes of the same user (only root, with
 * CAP_SYS_PTRACE, may still attach, e.g. {@code jcmd} as root). Long-running CLIs that hold keys or
 * pads call {@link #disableOrWarn} first thing in {@code main}.
 *
 * <p>Not fail-closed: a process that cannot make the call (another OS, a seccomp filter) warns in
 * one line and runs on, since refusing to start would not protect anything the operator cannot see.
 */
public final class CoreDumps {
    // Specification constants (include/uapi/linux/prctl.h).
    static final int PR_GET_DUMPABLE = 3;
    static final int PR_SET_DUMPABLE = 4;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private CoreDumps() {}

    /** The handle is made on first use: a JVM without native access fails there, not at class load. */
    private static final class Prctl {
        /** int prctl(int option, ...): variadic after the option; unsigned long arguments. */
        static final MethodHandle PRCTL = Linker.nativeLinker()
                .downcallHandle(
                        Linker.nativeLinker().defaultLookup().findOrThrow("prctl"),
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG),
                        Linker.Option.firstVariadicArg(1),
                        Linker.Option.captureCallState("errno"));
    }

    /**
     * Marks this process not dumpable.
     *
     * @throws IllegalStateException naming the failure (errno, or why the call could not be made)
     */
    public static void disable() {
        prctl(PR_SET_DUMPABLE, 0, "prctl(PR_SET_DUMPABLE, 0)");
    }

    /** {@link #disable()}, or one warning line on {@code err} if it fails; never throws. */
    public static void disableOrWarn(PrintStream err) {
        disableOrWarn(err, PR_SET_DUMPABLE);
    }

    /** {@link #disableOrWarn(PrintStream)} with another prctl option: tests provoke the failure path. */
    static void disableOrWarn(PrintStream err, int option) {
        try {
            prctl(option, 0, option == PR_SET_DUMPABLE ? "prctl(PR_SET_DUMPABLE, 0)" : "prctl(" + option + ", 0)");
        } catch (RuntimeException | LinkageError e) {
            err.println("warning: core dumps stay enabled (a crash could write keys to disk): " + e.getMessage());
        }
    }

    /** {@link #disableOrWarn(PrintStream)} to standard error: the one-line call for a CLI's main. */
    public static void disableOrWarn() {
        disableOrWarn(System.err);
    }

    /**
     * The kernel's dumpable flag for this process: 0 (not dumpable), 1 (dumpable) or 2 (dumpable
     * by root only, {@code suid_dumpable}).
     *
     * @throws IllegalStateException if prctl cannot be called or fails
     */
    public static int dumpable() {
        return prctl(PR_GET_DUMPABLE, 0, "prctl(PR_GET_DUMPABLE)");
    }

    static int prctl(int option, long arg, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int rc = (int) Prctl.PRCTL.invokeExact(capture, option, arg);
            if (rc < 0) {
                throw new IllegalStateException(what + " failed: errno " + (int) ERRNO.get(capture, 0L));
            }
            return rc;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(what + ": downcall failed: " + t, t);
        }
    }
}
