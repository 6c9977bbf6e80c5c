package dev.psk.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

class HelpIndexWriterTest {
    @Command(
            name = "psk-w",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            subcommands = Sub.class,
            description = "W.")
    static final class Root implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    @Command(name = "sub", aliases = "s", mixinStandardHelpOptions = true, description = "Sub.")
    static final class Sub implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    /** A command whose -h means something else: the pre-rendered path would answer wrongly. */
    @Command(name = "psk-bad", mixinStandardHelpOptions = false, description = "Bad.")
    static final class OtherH implements Callable<Integer> {
        @picocli.CommandLine.Option(names = "-h", description = "Host.")
        String host;

        @picocli.CommandLine.Option(names = "--help", usageHelp = true, description = "Help.")
        boolean help;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @TempDir
    Path dir;

    @Test
    void everyCommandAndAliasGetsBothTexts() throws Exception {
        assertEquals(3, HelpIndexWriter.write(new Root(), dir));
        for (String p : new String[] {"psk-w/", "psk-w/sub/", "psk-w/s/"}) {
            assertTrue(Files.readString(dir.resolve(p + "help.txt")).startsWith("Usage: psk-w"), p);
            assertTrue(Files.readString(dir.resolve(p + "help.ansi")).contains("\u001b["), p);
        }
        assertEquals(
                Files.readString(dir.resolve("psk-w/sub/help.txt")), Files.readString(dir.resolve("psk-w/s/help.txt")));
    }

    @Test
    void aCommandRemovedSinceTheLastBuildLosesItsText() throws Exception {
        Files.createDirectories(dir.resolve("psk-w/gone"));
        Files.writeString(dir.resolve("psk-w/gone/help.txt"), "old");
        HelpIndexWriter.write(new Root(), dir);
        assertFalse(Files.exists(dir.resolve("psk-w/gone")));
        assertTrue(Files.exists(dir.resolve("psk-w/sub/help.txt")));
    }

    @Test
    void aHelpOptionOtherThanDashHAndDashDashHelpFailsTheBuild() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> HelpIndexWriter.write(new OtherH(), dir));
        assertTrue(e.getMessage().startsWith("psk-bad: help option is not exactly -h/--help"), e.getMessage());
    }
}
