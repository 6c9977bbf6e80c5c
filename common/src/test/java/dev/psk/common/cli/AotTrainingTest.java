package dev.psk.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** What an AOT training run executes: every command's help once, and the failures it reports. */
class AotTrainingTest {
    @Command(name = "leaf", mixinStandardHelpOptions = true)
    static final class Leaf implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    @Command(name = "group", aliases = "g", mixinStandardHelpOptions = true, subcommands = Leaf.class)
    static final class Group implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    @Command(
            name = "tool",
            mixinStandardHelpOptions = true,
            subcommands = {Group.class, Leaf.class})
    public static final class Tool implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    /** A tool with a training workload, one of whose commands has an option the tool does not know. */
    @Command(name = "other", mixinStandardHelpOptions = true, subcommands = Leaf.class)
    public static final class Other implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    /** Registered in this module's test resources (META-INF/services). */
    public static final class OtherWorkload implements TrainingWorkload {
        @Override
        public Class<?> tool() {
            return Other.class;
        }

        @Override
        public List<List<String>> commands(java.nio.file.Path dir) {
            return List.of(List.of("leaf"), List.of("leaf", "--no-such-option"));
        }
    }

    @Test
    void aWorkloadCommandThatFailsIsReportedAndTheOthersStillRun() throws Exception {
        assertThat(AotTraining.failures(Other.class)).containsExactly("leaf --no-such-option");
    }

    @Test
    void everyCommandAtEveryDepthGetsItsHelpOnceDespiteAliases() {
        assertThat(AotTraining.helpCommands(new Tool()))
                .containsExactly(
                        List.of("--help"),
                        List.of("group", "--help"),
                        List.of("group", "leaf", "--help"),
                        List.of("leaf", "--help"));
    }

    @Test
    void aToolWithoutWorkloadsTrainsOnHelpAloneAndEveryHelpSucceeds() throws Exception {
        assertThat(AotTraining.failures(Tool.class)).isEmpty();
    }
}
