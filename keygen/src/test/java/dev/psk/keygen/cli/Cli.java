package dev.psk.keygen.cli;

import dev.psk.common.cli.CliRunner;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs psk-keygen in-process and captures what it printed. */
record Cli(int exit, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = CliRunner.commandLine(new PskKeygen());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** Error output with no stack trace: one line (a usage error adds the "Try ... --help" hint). */
    boolean oneLineError() {
        String[] lines = err.strip().split("\n");
        boolean hint = lines.length == 2 && lines[1].startsWith("Try '");
        return (lines.length == 1 || hint) && !err.contains("\tat ") && !err.contains("Exception");
    }
}
