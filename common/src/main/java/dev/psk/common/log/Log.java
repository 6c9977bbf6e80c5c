package dev.psk.common.log;

import java.io.PrintStream;

/**
 * One line per event on one stream, in the toolkit's format: {@code program: message}, with
 * {@code warning: } after the program name for warnings, and, when the stream is the journal,
 * the syslog priority in front ({@code <4>psk-tunnel: warning: …}) so that {@code journalctl -p}
 * filters by it. A message never spans lines: line breaks in it become spaces.
 *
 * <p>Thread-safe: each line is one {@code println} on a {@link PrintStream}, which locks.
 */
public final class Log implements LogSink {
    private final PrintStream stream;
    private final String program;
    private final boolean journal;

    public Log(PrintStream stream, String program, boolean journal) {
        this.stream = stream;
        this.program = program;
        this.journal = journal;
    }

    /** Standard error, with priorities when it is the journal. */
    public static Log stderr(String program) {
        return new Log(System.err, program, JournalStream.stderr());
    }

    /** Standard output, with priorities when it is the journal. */
    public static Log stdout(String program) {
        return new Log(System.out, program, JournalStream.stdout());
    }

    /** A line in the toolkit's format (no line break at the end). */
    public static String format(Severity s, String program, String message, boolean journal) {
        String m = message == null
                ? ""
                : message.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
        return (journal ? "<" + s.priority() + ">" : "") + program + ": " + s.tag() + m;
    }

    /** The priority prefix ("<3>") when standard error is the journal, else empty: for callers that write their own line. */
    public static String stderrPrefix(Severity s) {
        return JournalStream.stderr() ? "<" + s.priority() + ">" : "";
    }

    @Override
    public void log(Severity s, String message) {
        stream.println(format(s, program, message, journal));
        stream.flush();
    }

    /**
     * A detail line under the previous one (a banner's indented rows): no program name, but the
     * same priority prefix, so that each row is still one journal entry at the right level.
     */
    public void detail(String message) {
        String m = message.replace('\n', ' ').replace('\r', ' ');
        stream.println((journal ? "<" + Severity.INFO.priority() + ">" : "") + m);
        stream.flush();
    }

    public String program() {
        return program;
    }

    public boolean journal() {
        return journal;
    }
}
