package dev.psk.common.log;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes {@code java.util.logging} (the hub's classes log through it) into the toolkit's one-line
 * format on standard error: the JDK's default is two lines per record (date and class, then level
 * and message), which the journal shows as two entries without a usable priority. Installed once
 * per process by {@code CliRunner}, for every CLI.
 */
public final class OneLineLogging {
    private OneLineLogging() {}

    /** The formatter: {@code [<N>]program: [warning: ]message} plus a line break. */
    public static Formatter formatter(String program, boolean journal) {
        return new Formatter() {
            @Override
            public String format(LogRecord r) {
                String m = formatMessage(r);
                if (r.getThrown() != null) {
                    String t = r.getThrown().getMessage();
                    m += " (" + (t == null ? r.getThrown().getClass().getSimpleName() : t) + ")";
                }
                return Log.format(Severity.of(r.getLevel()), program, m, journal) + System.lineSeparator();
            }
        };
    }

    /**
     * Replaces the root logger's handlers with one that writes {@link #formatter} lines to standard
     * error; records below INFO are dropped unless {@code verbose} (then FINE and up, at debug).
     */
    public static void install(String program, boolean verbose) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Formatter f = formatter(program, JournalStream.stderr());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (isLoggable(r)) {
                    System.err.print(f.format(r));
                    System.err.flush();
                }
            }

            @Override
            public void flush() {
                System.err.flush();
            }

            @Override
            public void close() {}
        };
        Level level = verbose ? Level.FINE : Level.INFO;
        h.setLevel(level);
        root.setLevel(level);
        root.addHandler(h);
    }
}
