package dev.psk.attest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.ExitCodes;
import dev.psk.common.testing.HelpLint;
import dev.psk.common.testing.PrerenderedHelpCheck;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The help-text rules of {@link HelpLint} and the exit code of a command group run bare. */
class HelpTextTest {
    private static final Supplier<Object> TOOL = PskAttest::new;

    @Test
    void helpTextFollowsTheRules() {
        HelpLint.assertFollowsRules(TOOL);
    }

    /** Every footer example parses: no unknown option, missing parameter or bad value. */
    @Test
    void everyFooterExampleParses() {
        HelpLint.assertExamplesParse(TOOL, "SUBSTITUTED", true);
    }

    static Stream<String> groups() {
        return HelpLint.groups(TOOL).stream();
    }

    /** A group given no subcommand is a usage error: exit 2, the usage on stderr, nothing on stdout. */
    @ParameterizedTest
    @MethodSource("groups")
    void groupWithoutSubcommandIsAUsageError(String qualified) {
        HelpLint.assertGroupWithoutSubcommandIsAUsageError(TOOL, qualified);
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

    /** The help printed without picocli (rendered at build time) is picocli's, for every command. */
    @Test
    void prerenderedHelpIsPicocliHelp() {
        PrerenderedHelpCheck.assertMatchesPicocli(TOOL);
    }

    /** The real main serves a help request from the pre-rendered text, loading no picocli class. */
    @Test
    void mainServesHelpWithoutBuildingTheModel() throws Exception {
        PrerenderedHelpCheck.assertMainPrintsItWithoutPicocli(PskAttest.class, "psk-attest");
        PrerenderedHelpCheck.assertMainPrintsItWithoutPicocli(PskAttest.class, "psk-attest", "verify");
    }
}
