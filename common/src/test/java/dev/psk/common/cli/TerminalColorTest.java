package dev.psk.common.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalColorTest {
    @Test
    void aTerminalGetsStylesAFileOrPipeDoesNot() {
        assertTrue(TerminalColor.enabled(Map.of(), true));
        assertTrue(TerminalColor.enabled(Map.of("TERM", "xterm-256color"), true));
        assertFalse(TerminalColor.enabled(Map.of(), false));
    }

    @Test
    void noColorWinsOverATerminalAndOverForce() {
        assertFalse(TerminalColor.enabled(Map.of("NO_COLOR", "1"), true));
        assertFalse(TerminalColor.enabled(Map.of("NO_COLOR", "1", "CLICOLOR_FORCE", "1"), true));
    }

    @Test
    void anEmptyNoColorIsUnset() {
        assertTrue(TerminalColor.enabled(Map.of("NO_COLOR", ""), true));
    }

    @Test
    void forceStylesWithoutATerminalUnlessZeroOrEmpty() {
        assertTrue(TerminalColor.enabled(Map.of("CLICOLOR_FORCE", "1"), false));
        assertFalse(TerminalColor.enabled(Map.of("CLICOLOR_FORCE", "0"), false));
        assertFalse(TerminalColor.enabled(Map.of("CLICOLOR_FORCE", ""), false));
    }

    @Test
    void aDumbTerminalGetsNoStyles() {
        assertFalse(TerminalColor.enabled(Map.of("TERM", "dumb"), true));
    }

    /** Surefire's fork writes stdout to a pipe: not a terminal. */
    @Test
    void aTestForksStdoutIsNotATerminal() {
        assertFalse(TerminalColor.stdoutIsTerminal());
    }
}
