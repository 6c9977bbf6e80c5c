package dev.psk.keygen.cli;

import dev.psk.common.testing.HelpLint;
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
}
