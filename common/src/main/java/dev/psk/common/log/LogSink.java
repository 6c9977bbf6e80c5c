package dev.psk.common.log;

import java.util.function.Consumer;

/** Where a component's operator lines go, each with its {@link Severity}; the caller chooses the format. */
@FunctionalInterface
public interface LogSink {
    void log(Severity severity, String message);

    default void error(String message) {
        log(Severity.ERROR, message);
    }

    default void warn(String message) {
        log(Severity.WARNING, message);
    }

    default void info(String message) {
        log(Severity.INFO, message);
    }

    default void debug(String message) {
        log(Severity.DEBUG, message);
    }

    /** A sink that hands every message, whatever its severity, to {@code lines} (tests, plain collectors). */
    static LogSink of(Consumer<String> lines) {
        return (s, m) -> lines.accept(m);
    }
}
