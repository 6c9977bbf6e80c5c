package dev.psk.keygen.cli;

import dev.psk.common.testing.HelpLint;
import dev.psk.common.testing.PrerenderedHelpCheck;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The help-text rules of {@link HelpLint} and the exit code of a command group run bare. */
class HelpTextTest {
    private static final Supplier<Object> TOOL = PskKeygen::new;

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

    /** The help printed without picocli (rendered at build time) is picocli's, for every command. */
    @Test
    void prerenderedHelpIsPicocliHelp() {
        PrerenderedHelpCheck.assertMatchesPicocli(TOOL);
    }

    /** The real main serves a help request from the pre-rendered text, loading no picocli class. */
    @Test
    void mainServesHelpWithoutBuildingTheModel() throws Exception {
        PrerenderedHelpCheck.assertMainPrintsItWithoutPicocli(PskKeygen.class, "psk-keygen");
        PrerenderedHelpCheck.assertMainPrintsItWithoutPicocli(PskKeygen.class, "psk-keygen", "generate");
    }
}
