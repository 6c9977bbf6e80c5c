package dev.psk.keygen.cli;

import dev.psk.keygen.PadGenerator;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress for a stderr that is not a terminal (a pipe, a log, the journal): no redrawing, but one
 * line every {@link #INTERVAL_NANOS} once generation has run longer than {@link #QUIET_NANOS}, so
 * that a slow source (a hardware RNG at kilobytes a second, a token) is visibly alive and its rate
 * known, while a fast run prints nothing extra.
 */
final class ProgressLog implements PadGenerator.ProgressListener {
    static final long QUIET_NANOS = 3_000_000_000L;
    static final long INTERVAL_NANOS = 10_000_000_000L;

    /** System properties overriding the two periods, in milliseconds (tests; a very slow source). */
    static final String QUIET_PROPERTY = "psk.keygen.progress-after-ms";

    static final String INTERVAL_PROPERTY = "psk.keygen.progress-every-ms";

    private final PrintWriter err;
    private final String prefix;
    private final LongSupplier nanoClock;
    private final long start;
    private final long intervalNanos;
    private long lastLine;

    ProgressLog(PrintWriter err, String prefix, LongSupplier nanoClock) {
        this(err, prefix, nanoClock, QUIET_NANOS, INTERVAL_NANOS);
    }

    ProgressLog(PrintWriter err, String prefix, LongSupplier nanoClock, long quietNanos, long intervalNanos) {
        this.err = err;
        this.prefix = prefix;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
        this.intervalNanos = intervalNanos;
        this.lastLine = start + quietNanos - intervalNanos;
    }

    /** The log with the periods of {@link #QUIET_PROPERTY} and {@link #INTERVAL_PROPERTY} where set. */
    static ProgressLog withSystemPeriods(PrintWriter err, String prefix) {
        return new ProgressLog(
                err,
                prefix,
                System::nanoTime,
                millisProperty(QUIET_PROPERTY, QUIET_NANOS),
                millisProperty(INTERVAL_PROPERTY, INTERVAL_NANOS));
    }

    private static long millisProperty(String name, long defaultNanos) {
        String v = System.getProperty(name);
        if (v == null) {
            return defaultNanos;
        }
        try {
            long ms = Long.parseLong(v.strip());
            return ms > 0 ? ms * 1_000_000L : defaultNanos;
        } catch (NumberFormatException e) {
            return defaultNanos;
        }
    }

    @Override
    public void onProgress(long done, long total) {
        long now = nanoClock.getAsLong();
        if (done >= total || now - lastLine < intervalNanos) {
            return;
        }
        lastLine = now;
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / secs;
        String eta = rate > 0 ? String.format(Locale.ROOT, ", about %.0f s left", (total - done) / rate) : "";
        err.println(String.format(
                Locale.ROOT,
                "%s: %s of %s (%.0f%%), %s%s",
                prefix,
                Format.size(done),
                Format.size(total),
                100.0 * done / total,
                Format.rate(rate),
                eta));
        err.flush();
    }
}
