package dev.psk.provision.cli;

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
    private static final Supplier<Object> TOOL = PskProvision::new;

    @Test
    void helpTextFollowsTheRules() {
        HelpLint.assertFollowsRules(TOOL);
    }

    /** Every footer example parses: no unknown option, missing parameter or bad value. */
    @Test
    void everyFooterExampleParses() {
        HelpLint.assertExamplesParse(TOOL, "pkcs11:token=device;object=site-a", true);
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

    /** --out-dir is the directory option; the old --out spelling still parses (hidden). */
    @Test
    void identityCreateTakesOutDirAndStillAcceptsTheOldOut() {
        for (String opt : new String[] {"--out-dir", "--out"}) {
            IdentityCreateCommand c = new IdentityCreateCommand();
            new CommandLine(c).parseArgs("--token", "pkcs11:token=a", "--label", "x", opt, "/tmp/d");
            assertEquals(java.nio.file.Path.of("/tmp/d"), c.out, opt);
        }
        StringWriter err = new StringWriter();
        CommandLine cl = CliRunner.commandLine(new PskProvision());
        cl.setErr(new PrintWriter(err, true));
        assertEquals(ExitCodes.USAGE, cl.execute("identity", "create", "--token", "pkcs11:token=a", "--label", "x"));
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
        PrerenderedHelpCheck.assertMainPrintsItWithoutPicocli(PskProvision.class, "psk-provision");
        PrerenderedHelpCheck.assertMainPrintsItWithoutPicocli(PskProvision.class, "psk-provision", "hub", "init");
    }
}
