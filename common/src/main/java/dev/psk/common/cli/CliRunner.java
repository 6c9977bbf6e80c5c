package dev.psk.common.cli;

import dev.psk.common.IoErrors;
import dev.psk.common.log.Log;
import dev.psk.common.log.OneLineLogging;
import dev.psk.common.log.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import picocli.CommandLine;

/**
 * Runs a picocli command with the toolkit's error contract: a library exception becomes one line
 * on stderr ("command: message") and exit code 1 (3 for a {@link PermanentFailure}); a usage error prints the message and a hint,
 * exit code 2. Stack traces only with {@code --verbose} (or PSK_VERBOSE=1).
 */
public final class CliRunner {
    private CliRunner() {}

    public static int run(Object command, String... args) {
        CommandLine cl = commandLine(command);
        return run(cl.getCommandName(), cl, args);
    }

    /** As {@link #run(Object, String...)}, with log lines named {@code program} (a group run on its own). */
    public static int run(String program, Object command, String... args) {
        return run(program, commandLine(command), args);
    }

    private static int run(String program, CommandLine cl, String... args) {
        // One line per event for everything that logs, java.util.logging included (docs/deployment.md, "Logs").
        OneLineLogging.install(program, "1".equals(System.getenv("PSK_VERBOSE")));
        return cl.execute(args);
    }

    /** The configured picocli instance (tests call {@code execute} on it with their own writers). */
    public static CommandLine commandLine(Object command) {
        return commandLine(command, TerminalColor.enabled());
    }

    /**
     * As {@link #commandLine(Object)}, with help styles on or off ({@link TerminalColor} decides for
     * a real run; {@link HelpIndexWriter} renders both).
     */
    public static CommandLine commandLine(Object command, boolean color) {
        CommandLine cl = new CommandLine(command);
        cl.setColorScheme(
                CommandLine.Help.defaultColorScheme(color ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        boolean verbose = "1".equals(System.getenv("PSK_VERBOSE"));
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            PrintWriter err = line.getErr();
            if (ex instanceof UsageException) {
                // the full command ("psk-keygen generate: ..."), as for picocli's own parameter errors
                err.println(line.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
                err.println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for more information.");
                err.flush();
                return ExitCodes.USAGE;
            }
            err.println(Log.stderrPrefix(Severity.ERROR)
                    + line.getCommandSpec().root().name() + ": " + oneLine(ex));
            if (verbose || hasVerbose(parse)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ex instanceof PermanentFailure ? ExitCodes.DO_NOT_RESTART : ExitCodes.FAILURE;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine line = ex.getCommandLine();
            PrintWriter err = line.getErr();
            err.println(line.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            err.println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return ExitCodes.USAGE;
        });
        return cl;
    }

    /**
     * The message of an exception as one line. A file-system exception whose message is only its
     * path (AccessDeniedException, NoSuchFileException) gets the reason in words; an exception
     * without a message is named as an internal error instead of printing nothing.
     */
    public static String oneLine(Throwable ex) {
        String msg = ex.getMessage();
        if (ex instanceof FileSystemException f && f.getFile() != null) {
            msg = f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + IoErrors.reason(f);
        } else if (msg == null || msg.isBlank()) {
            msg = ex instanceof IOException io
                    ? IoErrors.reason(io)
                    : "internal error (" + ex.getClass().getSimpleName() + "); --verbose shows where";
            if (ex.getCause() != null && ex.getCause().getMessage() != null) {
                msg += ": " + ex.getCause().getMessage();
            }
        }
        return msg.replace('\n', ' ').replace('\r', ' ');
    }

    private static boolean hasVerbose(CommandLine.ParseResult parse) {
        for (CommandLine.ParseResult p = parse; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
