package dev.psk.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@link HelpLint} itself: each rule catches the help-text mistake it exists for. */
class HelpLintTest {
    @Command(
            name = "tool",
            description = "A clean tool.",
            subcommands = {Clean.class, Broken.class})
    static final class Tool {}

    @Command(
            name = "clean",
            description = {"Do one thing.", "More detail on a line of its own."},
            footer = {"", "Example:", "  tool clean --in /etc/psk/a.json \\", "      --out b.json"})
    static final class Clean {
        @Option(names = "--in", paramLabel = "FILE", description = "The input.")
        String in;

        @Option(names = "--out", paramLabel = "FILE", description = "The output.")
        String out;
    }

    @Command(
            name = "broken",
            description = {
                "A summary that goes on and on about what this command does, so it wraps in the list of commands.",
                "Detail."
            },
            footer = {
                "",
                "tool broken --in x",
                "  tool broken --in /etc/psk/some-\\",
                "    file.json",
                "  tool broken --in a-file-name-long-enough-to-push-this-example-line-past-eighty-columns.json"
            })
    static final class Broken {
        @Option(names = "--in", paramLabel = "<file>", description = "the input, no full stop")
        String in;

        @Option(names = "--pin", paramLabel = "F")
        String pin;

        @Parameters(paramLabel = "NAME", description = "")
        String name;
    }

    private static List<String> violations(String command) {
        return HelpLint.violations(new CommandLine(new Tool())).stream()
                .filter(v -> v.startsWith(command))
                .toList();
    }

    @Test
    void aCleanCommandHasNoViolations() {
        assertThat(violations("tool clean")).isEmpty();
    }

    @Test
    void eachMistakeIsNamed() {
        List<String> v = violations("tool");
        assertThat(v).anyMatch(s -> s.contains("summary of 'broken' wraps in the command list"));
        assertThat(v).anyMatch(s -> s.contains("example on column 0"));
        assertThat(v).anyMatch(s -> s.contains("continued inside a word"));
        assertThat(v).anyMatch(s -> s.contains("example line of 93 columns"));
        assertThat(v).anyMatch(s -> s.contains("--in has parameter label '<file>'"));
        assertThat(v).anyMatch(s -> s.contains("--pin has parameter label 'F'"));
        assertThat(v).anyMatch(s -> s.contains("--in description does not end in '.'"));
        assertThat(v).anyMatch(s -> s.contains("--pin has no description"));
        assertThat(v).anyMatch(s -> s.contains("positional NAME has no description"));
    }

    @Test
    void examplesAreJoinedAndSplitLikeAShell() {
        List<List<String>> ex = HelpLint.examples(new CommandLine(new Tool()), "X");
        assertThat(ex).contains(List.of("tool", "clean", "--in", "/etc/psk/a.json", "--out", "b.json"));
    }
}
