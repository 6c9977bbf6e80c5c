package dev.psk.common.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether standard output or error is the systemd journal. systemd sets {@code JOURNAL_STREAM} to
 * {@code DEVICE:INODE} of the stream it connected (systemd.exec(5)); a process must compare it with
 * its own descriptor, because the variable is inherited by children whose output goes elsewhere
 * (a shell redirect, a pipe). Only a match counts.
 */
public final class JournalStream {
    private static final Path STDOUT = Path.of("/proc/self/fd/1");
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    private static volatile Boolean stdout;
    private static volatile Boolean stderr;

    private JournalStream() {}

    /** True when this process's standard error is the stream {@code JOURNAL_STREAM} names. */
    public static boolean stderr() {
        Boolean b = stderr;
        if (b == null) {
            b = matches(System.getenv("JOURNAL_STREAM"), STDERR);
            stderr = b;
        }
        return b;
    }

    /** True when this process's standard output is the stream {@code JOURNAL_STREAM} names. */
    public static boolean stdout() {
        Boolean b = stdout;
        if (b == null) {
            b = matches(System.getenv("JOURNAL_STREAM"), STDOUT);
            stdout = b;
        }
        return b;
    }

    /**
     * True when {@code value} ("DEVICE:INODE", decimal) names the file {@code descriptor} (a
     * {@code /proc/self/fd/N} link or any path) resolves to; false for null, malformed values and
     * files that cannot be examined.
     */
    static boolean matches(String value, Path descriptor) {
        if (value == null) {
            return false;
        }
        int colon = value.indexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            return false;
        }
        try {
            long dev = Long.parseUnsignedLong(value.substring(0, colon));
            long ino = Long.parseUnsignedLong(value.substring(colon + 1));
            Map<String, Object> a = Files.readAttributes(descriptor, "unix:dev,ino");
            return a.get("dev") instanceof Long d && a.get("ino") instanceof Long i && d == dev && i == ino;
        } catch (NumberFormatException | IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
