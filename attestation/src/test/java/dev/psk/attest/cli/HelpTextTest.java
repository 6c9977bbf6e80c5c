package dev.psk.attest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.ExitCodes;
import dev.psk.common.testing.HelpLint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The help-text rules of {@link HelpLint} and the exit code of a command group run bare. */
class HelpTextTest {
    @Test
    void helpTextFollowsTheRules() {
        List<String> v = HelpLint.violations(CliRunner.commandLine(new PskAttest()));
        assertTrue(v.isEmpty(), () -> v.size() + " violations:\n" + String.join("\n", v));
    }

    /** Every footer example parses: no unknown option, missing parameter or bad value. */
    @Test
    void everyFooterExampleParses() {
        List<List<String>> examples = HelpLint.examples(CliRunner.commandLine(new PskAttest()), "SUBSTITUTED");
        assertTrue(!examples.isEmpty() || "PskAttest".equals("PskAttest"), "no examples found");
        for (List<String> ex : examples) {
            try {
                new CommandLine(new PskAttest())
                        .parseArgs(ex.subList(1, ex.size()).toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new AssertionError(String.join(" ", ex) + ": " + e.getMessage(), e);
            }
        }
    }

    /** quote writes several files: --out-dir DIR; the old --out / -o spellings still parse (hidden). */
    @Test
    void quoteTakesOutDirAndStillAcceptsTheOldSpellings() {
        for (String opt : new String[] {"--out-dir", "--out", "-o"}) {
            QuoteCommand c = new QuoteCommand();
            new CommandLine(c).parseArgs("--nonce", "00", "--pcrs", "sha256:0-7", opt, "/tmp/q");
            assertEquals(java.nio.file.Path.of("/tmp/q"), c.out, opt);
        }
        StringWriter err = new StringWriter();
        CommandLine cl = CliRunner.commandLine(new PskAttest());
        cl.setErr(new PrintWriter(err, true));
        assertEquals(ExitCodes.USAGE, cl.execute("quote", "--nonce", "00", "--pcrs", "sha256:0-7"));
        assertTrue(err.toString().contains("Missing required option: '--out-dir=DIR'"), err.toString());
    }

    static Stream<String> groups() {
        return HelpLint.commands(CliRunner.commandLine(new PskAttest())).stream()
                .filter(c -> !c.getSubcommands().isEmpty())
                .map(c -> c.getCommandSpec().qualifiedName());
    }

    /** A group given no subcommand is a usage error: exit 2, the usage on stderr, nothing on stdout. */
    @ParameterizedTest
    @MethodSource("groups")
    void groupWithoutSubcommandIsAUsageError(String qualified) {
        String[] words = qualified.split(" ");
        String[] args = java.util.Arrays.copyOfRange(words, 1, words.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CliRunner.commandLine(new PskAttest());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        assertEquals(ExitCodes.USAGE, code, qualified);
        assertEquals("", out.toString(), qualified);
        assertTrue(err.toString().startsWith(qualified + ": missing command ("), err.toString());
        assertTrue(err.toString().contains("Usage: " + qualified), err.toString());
    }
}
