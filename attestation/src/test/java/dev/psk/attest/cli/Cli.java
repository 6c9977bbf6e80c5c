package dev.psk.attest.cli;

import dev.psk.common.cli.CliRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs psk-attest in-process with captured output. */
public final class Cli {
    /** Exit code and what went to stdout and stderr. */
    public record Run(int exit, String out, String err) {}

    private Cli() {}

    public static Run run(String... args) {
        CommandLine cl = CliRunner.commandLine(new PskAttest());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
