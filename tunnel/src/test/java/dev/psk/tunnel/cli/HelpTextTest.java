package dev.psk.tunnel.cli;

import dev.psk.common.testing.HelpLint;
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
}
