package dev.psk.common.testing;

import dev.psk.common.cli.CliRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs a tool's picocli command in this JVM, configured as its CLI is ({@link
 * CliRunner#commandLine}: the error contract and exit codes), with what picocli prints captured.
 * Output the command writes to {@code System.out}/{@code System.err} directly is not captured.
 */
public final class InProcessCli {
    /** The exit code and what went to picocli's out and err writers. */
    public record Run(int code, String out, String err) {}

    private InProcessCli() {}

    public static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CliRunner.commandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
