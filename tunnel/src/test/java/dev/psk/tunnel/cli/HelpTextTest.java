package dev.psk.tunnel.cli;

import dev.psk.common.testing.HelpLint;
import dev.psk.common.testing.PrerenderedHelpCheck;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The help-text rules of {@link HelpLint}, for psk-tunnel and its show and hub subcommands. */
class HelpTextTest {
    private static final Supplier<Object> TOOL = PskTunnel::new;

    @Test
    void helpTextFollowsTheRules() {
        HelpLint.assertFollowsRules(TOOL);
    }

    /** Every footer example parses: no unknown option, missing parameter or bad value. */
    @Test
    void everyFooterExampleParses() {
        HelpLint.assertExamplesParse(TOOL, "SUBSTITUTED", true);
    }

    /** The help printed without picocli (rendered at build time) is picocli's, for every command. */
    @Test
    void prerenderedHelpIsPicocliHelp() {
        PrerenderedHelpCheck.assertMatchesPicocli(TOOL);
    }

    /** The real main serves a help request from the pre-rendered text, loading no picocli class. */
    @Test
    void mainServesHelpWithoutBuildingTheModel() throws Exception {
        PrerenderedHelpCheck.assertMainPrintsItWithoutPicocli(PskTunnel.class, "psk-tunnel");
        PrerenderedHelpCheck.assertMainPrintsItWithoutPicocli(PskTunnel.class, "psk-tunnel", "hub", "client");
    }
}
