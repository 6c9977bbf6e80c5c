package dev.psk.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.PrerenderedHelp;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Checks a tool's build-time rendered help ({@link PrerenderedHelp}) against picocli:
 *
 * <ul>
 *   <li>for every command, under every name and alias, with {@code -h}, {@code --help}, {@code -V}
 *       and {@code --version}, in both color modes, the pre-rendered text is byte for byte what
 *       picocli prints and exits 0 with;
 *   <li>the tool's real {@code main}, in a fresh JVM, prints it ({@code --help}, {@code --version})
 *       without loading a picocli class,
 *       plain on a pipe and styled under {@code CLICOLOR_FORCE=1}, the same bytes as picocli's own
 *       path (the pre-rendered help switched off) prints under the same environment.
 * </ul>
 */
public final class PrerenderedHelpCheck {
    private PrerenderedHelpCheck() {}

    public static void assertMatchesPicocli(Supplier<Object> tool) {
        for (boolean color : new boolean[] {false, true}) {
            CommandLine cl = CliRunner.commandLine(tool.get(), color);
            StringWriter out = new StringWriter();
            cl.setOut(new PrintWriter(out, true));
            String root = cl.getCommandName();
            Map<List<String>, CommandLine> paths = new LinkedHashMap<>();
            paths(cl, List.of(), paths);
            for (List<String> path : paths.keySet()) {
                for (String flag : new String[] {"--help", "-h", "--version", "-V"}) {
                    List<String> args = new ArrayList<>(path);
                    args.add(flag);
                    String[] argv = args.toArray(String[]::new);
                    out.getBuffer().setLength(0);
                    assertEquals(0, cl.execute(argv), root + " " + args);
                    String expected = out.toString();
                    boolean version = "--version".equals(flag) || "-V".equals(flag);
                    String actual =
                            version ? PrerenderedHelp.version(root, argv) : PrerenderedHelp.lookup(root, argv, color);
                    if (version && expected.isEmpty()) {
                        // a command without the toolkit's version provider prints nothing: left to picocli
                        assertNull(actual, () -> root + " " + args);
                        continue;
                    }
                    assertNotNull(
                            actual, () -> root + " " + args + ": no pre-rendered text (build: mvn process-classes)");
                    assertEquals(expected, actual, () -> root + " " + args + (color ? " (styled)" : " (plain)"));
                }
            }
        }
    }

    /**
     * Runs {@code main} with {@code words + --help} and {@code words + --version} in a fresh JVM on this test's class path, as the
     * launcher would (stdout a pipe), with and without {@code CLICOLOR_FORCE=1}.
     */
    public static void assertMainPrintsItWithoutPicocli(Class<?> main, String tool, String... words)
            throws IOException, InterruptedException {
        assertMainPrintsItWithoutPicocli(main, tool, "--help", words);
        assertMainPrintsItWithoutPicocli(main, tool, "--version", words);
    }

    private static void assertMainPrintsItWithoutPicocli(Class<?> main, String tool, String flag, String... words)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(words));
        args.add(flag);
        String[] argv = args.toArray(String[]::new);
        for (boolean color : new boolean[] {false, true}) {
            Map<String, String> env = color ? Map.of("CLICOLOR_FORCE", "1") : Map.of("NO_COLOR", "1");
            Processes.Result fast = java(main, env, List.of("-Xlog:class+load=info:stderr"), args);
            assertEquals(0, fast.exitCode(), fast.stderr());
            String expected = "--version".equals(flag)
                    ? PrerenderedHelp.version(tool, argv)
                    : PrerenderedHelp.lookup(tool, argv, color);
            assertNotNull(expected, () -> tool + " " + args + ": no pre-rendered text");
            assertEquals(expected, fast.stdout(), tool + " " + args);
            assertFalse(
                    fast.stderr().contains(" picocli."),
                    () -> tool + " " + args + " loaded picocli: " + firstPicocli(fast));
            Processes.Result slow = java(main, env, List.of("-D" + PrerenderedHelp.ENABLED_PROPERTY + "=false"), args);
            assertEquals(0, slow.exitCode(), slow.stderr());
            assertEquals(slow.stdout(), fast.stdout(), tool + " " + args + ": picocli's path prints other bytes");
        }
    }

    private static Processes.Result java(Class<?> main, Map<String, String> env, List<String> jvm, List<String> args)
            throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        options.addAll(jvm);
        List<String> cmd = Processes.java(options, main, args);
        Map<String, String> all = new LinkedHashMap<>(env);
        all.putIfAbsent("NO_COLOR", "");
        all.putIfAbsent("CLICOLOR_FORCE", "");
        return Processes.run(cmd, all, null, Duration.ofMinutes(1));
    }

    private static String firstPicocli(Processes.Result r) {
        return r.stderr()
                .lines()
                .filter(l -> l.contains(" picocli."))
                .findFirst()
                .orElse("");
    }

    /** Every command path (by name and by alias) below {@code cl}, {@code prefix} first. */
    private static void paths(CommandLine cl, List<String> prefix, Map<List<String>, CommandLine> out) {
        out.put(prefix, cl);
        for (Map.Entry<String, CommandLine> sub : cl.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(prefix);
            p.add(sub.getKey());
            paths(sub.getValue(), p, out);
        }
    }
}
