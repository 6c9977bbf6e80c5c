package dev.psk.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The last line of defence for messages: an I/O exception a command lets through still reads as
 * "FILE: reason", never a bare path or an exception class name; exit codes stay 1 and 2.
 */
class CliRunnerOneLineTest {
    @Command(name = "tool")
    static final class Throws implements Callable<Integer> {
        final Exception toThrow;

        Throws(Exception toThrow) {
            this.toThrow = toThrow;
        }

        @Override
        public Integer call() throws Exception {
            throw toThrow;
        }
    }

    @Command(name = "tool", subcommands = Sub.class)
    static final class Root implements Runnable {
        @Override
        public void run() {}
    }

    @Command(name = "sub")
    static final class Sub implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new UsageException("--size: too big");
        }
    }

    private record Run(int code, String err) {}

    private static Run run(Object command, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = CliRunner.commandLine(command);
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args), err.toString());
    }

    @Test
    void aFileSystemExceptionIsNamedByFileAndReason() {
        Run denied = run(new Throws(new AccessDeniedException("/srv/pad.bin")));
        assertThat(denied.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(denied.err()).isEqualTo("tool: /srv/pad.bin: permission denied" + System.lineSeparator());
        Run missing = run(new Throws(new NoSuchFileException("/srv/pad.bin")));
        assertThat(missing.err()).startsWith("tool: /srv/pad.bin: no such file or directory");
    }

    @Test
    void noExceptionClassNamesForIoErrorsAndAHintForBugs() {
        assertThat(run(new Throws(new IOException())).err()).isEqualTo("tool: I/O error" + System.lineSeparator());
        assertThat(run(new Throws(new IOException("TUN device name 'x/y' contains '/'")))
                        .err())
                .startsWith("tool: TUN device name");
        assertThat(run(new Throws(new NullPointerException())).err())
                .startsWith("tool: internal error (NullPointerException); --verbose shows where");
    }

    @Test
    void aUsageErrorInASubcommandNamesTheWholeCommand() {
        Run r = run(new Root(), "sub");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).startsWith("tool sub: --size: too big").contains("Try 'tool sub --help'");
    }
}
