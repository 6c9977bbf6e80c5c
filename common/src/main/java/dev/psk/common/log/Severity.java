package dev.psk.common.log;

/**
 * How much a log line matters, with the syslog priority journald reads from a {@code <N>} prefix
 * ({@code sd-daemon(3)}): {@code journalctl -p warning} shows {@link #ERROR} and {@link #WARNING}.
 */
public enum Severity {
    ERROR(3, ""),
    WARNING(4, "warning: "),
    INFO(6, ""),
    DEBUG(7, "");

    private final int priority;
    private final String tag;

    Severity(int priority, String tag) {
        this.priority = priority;
        this.tag = tag;
    }

    /** The syslog priority (3 err, 4 warning, 6 info, 7 debug). */
    public int priority() {
        return priority;
    }

    /**
     * The word a reader sees after the program name: "warning: " for warnings; nothing for errors,
     * which read as the CLIs' failure lines always have ("psk-tunnel: MESSAGE"), nor for info and debug.
     */
    String tag() {
        return tag;
    }

    /** The severity of a {@code java.util.logging} level: SEVERE error, WARNING warning, INFO/CONFIG info, below debug. */
    public static Severity of(java.util.logging.Level level) {
        int v = level.intValue();
        if (v >= java.util.logging.Level.SEVERE.intValue()) {
            return ERROR;
        }
        if (v >= java.util.logging.Level.WARNING.intValue()) {
            return WARNING;
        }
        if (v >= java.util.logging.Level.CONFIG.intValue()) {
            return INFO;
        }
        return DEBUG;
    }
}
