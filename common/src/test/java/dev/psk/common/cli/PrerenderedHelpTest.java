package dev.psk.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which requests the pre-rendered path takes (the rest go to picocli), and that a request cannot
 * name a resource outside the help tree. The texts themselves are checked against picocli in each
 * tool's HelpTextTest (HelpLint.assertPrerenderedHelpCurrent).
 */
class PrerenderedHelpTest {
    @Test
    void aRequestNamesItsCommandsDirectory() {
        assertEquals("META-INF/psk-help/psk-x/", PrerenderedHelp.path("psk-x", new String[] {"--help"}));
        assertEquals(
                "META-INF/psk-help/psk-x/hub/client/",
                PrerenderedHelp.path("psk-x", new String[] {"hub", "client", "-V"}));
    }

    /** Not a plain help or version request: picocli decides (it may print the same, or an error). */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "", // no arguments
                "sub", // no help option
                "--help sub", // help not last
                "--version sub", // version not last
                "sub --ak f --help", // an option before the help option
                "sub -x --version", // an option before the version option
                "sub -hV", // combined short options
                "sub --help=true", // an option value
                "-H", // not a help option
                "-v", // not the version option
                "Sub --help", // not a command word (upper case)
                "@args --help", // an argument file
                "-- --help" // end of options
            })
    void otherRequestsAreNotTaken(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        assertNull(PrerenderedHelp.lookup("psk-x", args, false), line);
        assertNull(PrerenderedHelp.version("psk-x", args), line);
    }

    /** The attacker's try: a command word that walks out of the help tree or into another tool's. */
    @ParameterizedTest
    @ValueSource(strings = {"..", "../psk-y", "a/b", "./x", "x\u0000", "x\n", "x y", ".hidden", "-x"})
    void aWordThatIsNotACommandNameNamesNoResource(String word) {
        assertNull(PrerenderedHelp.path("psk-x", new String[] {word, "--help"}), word);
        assertNull(PrerenderedHelp.path(word, new String[] {"--help"}), word);
    }

    @Test
    void aVersionRequestNamesTheCommandByItsFullName() {
        String java = Runtime.version().toString();
        assertEquals(
                "psk-x 0.1.0 (Java " + java + ")" + System.lineSeparator(),
                PrerenderedHelp.version("psk-x", new String[] {"--version"}));
        assertEquals(
                "psk-x sub 0.1.0 (Java " + java + ")" + System.lineSeparator(),
                PrerenderedHelp.version("psk-x", new String[] {"sub", "-V"}));
        assertNull(PrerenderedHelp.version("psk-x", new String[] {"nosuch", "-V"}));
    }

    /** The test resources hold a tool psk-x with a command sub. */
    @Test
    void aRequestGetsTheTextOfItsColorMode() {
        assertEquals("Usage: psk-x [-hV] [COMMAND]\n", PrerenderedHelp.lookup("psk-x", new String[] {"-h"}, false));
        assertEquals("\033[1mpsk-x\033[21m\n", PrerenderedHelp.lookup("psk-x", new String[] {"-h"}, true));
        assertEquals(
                "Usage: psk-x sub [-hV]\n", PrerenderedHelp.lookup("psk-x", new String[] {"sub", "--help"}, false));
    }

    @Test
    void printWritesTheTextToStandardOutput() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertTrue(PrerenderedHelp.print("psk-x", new String[] {"sub", "--help"}));
        } finally {
            System.setOut(old);
        }
        assertEquals("Usage: psk-x sub [-hV]\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownCommandHasNoTextAndIsLeftToPicocli() {
        assertNull(PrerenderedHelp.lookup("psk-x", new String[] {"nosuch", "--help"}, false));
        assertNull(PrerenderedHelp.lookup("psk-no-such-tool", new String[] {"--help"}, false));
        assertFalse(PrerenderedHelp.print("psk-x", new String[] {"sub", "nosuch", "--help"}));
    }

    @Test
    void theSwitchSendsEveryRequestToPicocli() {
        String old = System.getProperty(PrerenderedHelp.ENABLED_PROPERTY);
        System.setProperty(PrerenderedHelp.ENABLED_PROPERTY, "false");
        try {
            assertFalse(PrerenderedHelp.print("psk-x", new String[] {"--help"}));
        } finally {
            if (old == null) {
                System.clearProperty(PrerenderedHelp.ENABLED_PROPERTY);
            } else {
                System.setProperty(PrerenderedHelp.ENABLED_PROPERTY, old);
            }
        }
    }
}
