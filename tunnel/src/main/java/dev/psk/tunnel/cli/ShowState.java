package dev.psk.tunnel.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.LongFunction;
import tools.jackson.databind.JsonNode;

/**
 * Whether the daemon behind a status file still runs. A clean stop removes the file (or marks it
 * {@code "state": "stopped"}); a file left by a killed daemon names a process that is gone, or a pid
 * a later process has taken (it started after the file was last written).
 */
final class ShowState {
    /** What {@code show} prints and the dump's state column holds. */
    enum State {
        RUNNING("running"),
        STOPPED("stopped"),
        NOT_RUNNING("not-running");

        final String word;

        State(String word) {
            this.word = word;
        }
    }

    /** Start time of a live process with this pid, or empty when none lives (tests substitute it). */
    private final LongFunction<Optional<Optional<Instant>>> processStart;

    ShowState(LongFunction<Optional<Optional<Instant>>> processStart) {
        this.processStart = processStart;
    }

    /** Asks the kernel about the pid. */
    static ShowState system() {
        return new ShowState(pid -> ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .map(h -> h.info().startInstant()));
    }

    State of(JsonNode n) {
        if ("stopped".equals(n.path("state").asString(""))) {
            return State.STOPPED;
        }
        long pid = n.path("pid").asLong(0);
        Optional<Optional<Instant>> live = pid > 0 ? processStart.apply(pid) : Optional.empty();
        if (live.isEmpty()) {
            return State.NOT_RUNNING;
        }
        Instant updated = instant(n.path("updated"));
        Optional<Instant> started = live.get();
        if (updated != null && started.isPresent() && started.get().isAfter(updated.plusSeconds(2))) {
            return State.NOT_RUNNING; // the pid was reused after the writer died
        }
        return State.RUNNING;
    }

    /** The text form's state line. */
    String describe(JsonNode n) {
        long pid = n.path("pid").asLong(0);
        return switch (of(n)) {
            case RUNNING -> "running (pid " + pid + ")";
            case STOPPED -> "stopped (status kept from " + n.path("updated").asString("?") + ")";
            case NOT_RUNNING ->
                "NOT RUNNING (pid " + pid + " is gone; stale status from "
                        + n.path("updated").asString("?") + ")";
        };
    }

    static Instant instant(JsonNode n) {
        if (!n.isString()) {
            return null;
        }
        try {
            return Instant.parse(n.asString());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
