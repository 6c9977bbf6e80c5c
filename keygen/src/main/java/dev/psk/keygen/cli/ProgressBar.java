package dev.psk.keygen.cli;

import dev.psk.keygen.PadGenerator;
import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar redrawn in place on a terminal at most five times a second. */
final class ProgressBar implements PadGenerator.ProgressListener {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void onProgress(long done, long total) {
        long now = System.nanoTime();
        if (done < total && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double fraction = total == 0 ? 1 : (double) done / total;
        int filled = (int) (fraction * WIDTH);
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / secs;
        String eta = rate > 0 && done < total ? String.format(Locale.ROOT, "  ETA %.0f s", (total - done) / rate) : "";
        err.print(String.format(
                Locale.ROOT,
                "\r[%s%s] %3.0f%%  %s / %s  %s%s\033[K",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                fraction * 100,
                Format.size(done),
                Format.size(total),
                Format.rate(rate),
                eta));
        err.flush();
        drawn = true;
    }

    /** Removes the bar so the next line starts clean. */
    void clear() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
