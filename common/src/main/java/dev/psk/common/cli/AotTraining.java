package dev.psk.common.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The training run of a tool's JDK AOT cache (JEP 483/514/515): {@code java
 * -XX:AOTCacheOutput=FILE -cp CLASSPATH dev.psk.common.cli.AotTraining MAIN_CLASS}, run by {@code
 * bin/_launch} in a source checkout and by the package's {@code aot-train} on install.
 *
 * <p>Why a workload and not just {@code --help}: the cache holds the classes a training run loaded
 * and links them ahead of time, so a command the training never ran starts as if there were no
 * cache for everything beyond picocli (measured: {@code psk-attest verify} loaded 1,428 classes
 * outside a cache trained by {@code --help} alone). One JVM runs, in order: {@code --help} of the
 * tool and of every subcommand at every depth, then the commands of each {@link TrainingWorkload}
 * registered for this tool, in a private temporary directory that is deleted afterwards.
 *
 * <p>Output is discarded and exit codes do not stop the run: the cache is a speed-up that the JVM
 * validates, so a failed command costs start-up time, never correctness. {@link #failures} reports
 * them for tests.
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: AotTraining MAIN_CLASS");
            System.exit(ExitCodes.USAGE);
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(sink);
        System.setErr(sink);
        List<String> failed;
        try {
            failed = failures(Class.forName(args[0]));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        if (!failed.isEmpty()) {
            // Said once, for whoever reads the launcher's or postinst's output; not an error.
            err.println("AOT training: " + failed.size() + " command(s) did not succeed: " + failed);
        }
        System.exit(ExitCodes.OK);
    }

    /**
     * Runs the whole workload for {@code tool} and returns the commands that did not exit with 0
     * (as their argument lists), empty when every one succeeded.
     */
    public static List<String> failures(Class<?> tool) throws IOException {
        Path dir = Files.createTempDirectory("psk-aot-training"); // 0700 on POSIX
        try {
            List<List<String>> commands = new ArrayList<>(helpCommands(newCommand(tool)));
            for (TrainingWorkload w : ServiceLoader.load(TrainingWorkload.class, tool.getClassLoader())) {
                if (w.tool() == tool) {
                    commands.addAll(w.commands(dir));
                }
            }
            List<String> failed = new ArrayList<>();
            for (List<String> c : commands) {
                if (run(newCommand(tool), c) != ExitCodes.OK) {
                    failed.add(String.join(" ", c));
                }
            }
            return failed;
        } finally {
            deleteTree(dir);
        }
    }

    /** {@code --help} of the root and of each subcommand (each once, though it may have aliases). */
    static List<List<String>> helpCommands(Object root) {
        List<List<String>> out = new ArrayList<>();
        out.add(List.of("--help"));
        addSubcommandHelp(
                CliRunner.commandLine(root),
                new ArrayList<>(),
                out,
                Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void addSubcommandHelp(
            CommandLine cl, List<String> path, List<List<String>> out, Set<CommandLine> seen) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (!seen.add(e.getValue())) {
                continue;
            }
            List<String> sub = new ArrayList<>(path);
            sub.add(e.getKey());
            List<String> help = new ArrayList<>(sub);
            help.add("--help");
            out.add(List.copyOf(help));
            addSubcommandHelp(e.getValue(), sub, out, seen);
        }
    }

    private static int run(Object command, List<String> args) {
        CommandLine cl = CliRunner.commandLine(command);
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        cl.setOut(nowhere);
        cl.setErr(nowhere);
        try {
            return cl.execute(args.toArray(String[]::new));
        } catch (RuntimeException e) {
            return ExitCodes.FAILURE;
        }
    }

    private static Object newCommand(Class<?> tool) {
        try {
            return tool.getDeclaredConstructor().newInstance();
        } catch (InstantiationException | IllegalAccessException | NoSuchMethodException e) {
            throw new IllegalArgumentException(
                    tool.getName() + ": expected a command class with a public no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(tool.getName() + ": constructor failed", e.getCause());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
