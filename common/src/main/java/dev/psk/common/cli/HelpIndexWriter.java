package dev.psk.common.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Build step (run by each tool module's pom at process-classes): renders the {@code --help} of
 * every command of a tool, with and without ANSI styles, into the resources {@link
 * PrerenderedHelp} prints, and each command's full name for its version line. The text is picocli's own rendering of the same model the tool parses
 * with, so the two cannot disagree; tests compare them again ({@code HelpLint}).
 *
 * <p>Usage: {@code HelpIndexWriter ROOT_COMMAND_CLASS OUTPUT_DIR}. Fails (exit 1) when a command's
 * help option is not exactly {@code -h}/{@code --help}: the pre-rendered path recognizes only those.
 */
public final class HelpIndexWriter {
    private HelpIndexWriter() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: HelpIndexWriter ROOT_COMMAND_CLASS OUTPUT_DIR");
        }
        Object root = Class.forName(args[0]).getConstructor().newInstance();
        write(root, Path.of(args[1]));
    }

    /**
     * Replaces everything below {@code outDir} with the help of every command under {@code root};
     * returns how many commands (names and aliases).
     */
    public static int write(Object root, Path outDir) throws IOException {
        Map<String, String[]> texts = render(root);
        // Start empty: a command removed since the last build must not keep a help text (the
        // fast path would answer for a command picocli no longer knows). The directory is this
        // module's own: one tool per jar.
        deleteTree(outDir);
        for (Map.Entry<String, String[]> e : texts.entrySet()) {
            Path dir = outDir.resolve(e.getKey());
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("help.txt"), e.getValue()[0], StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("help.ansi"), e.getValue()[1], StandardCharsets.UTF_8);
            if (e.getValue()[2] != null) {
                Files.writeString(dir.resolve("name.txt"), e.getValue()[2], StandardCharsets.UTF_8);
            }
        }
        return texts.size();
    }

    /**
     * Command path ({@code tool/sub/}, one entry per name and alias) to its help, plain and
     * styled, as picocli prints it for {@code --help} under {@link CliRunner}'s configuration, and
     * its full name when its {@code -V}/{@code --version} prints {@link Version#line} (else null:
     * the version request goes to picocli).
     */
    public static Map<String, String[]> render(Object root) {
        Map<String, String[]> out = new LinkedHashMap<>();
        CommandLine plain = CliRunner.commandLine(root, false);
        CommandLine styled = CliRunner.commandLine(root, true);
        walk(plain, styled, plain.getCommandName() + "/", out);
        return out;
    }

    private static void walk(CommandLine plain, CommandLine styled, String path, Map<String, String[]> out) {
        checkHelpOption(plain.getCommandSpec());
        out.put(path, new String[] {usage(plain), usage(styled), versionName(plain.getCommandSpec())});
        for (Map.Entry<String, CommandLine> sub : plain.getSubcommands().entrySet()) {
            walk(sub.getValue(), styled.getSubcommands().get(sub.getKey()), path + sub.getKey() + "/", out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String usage(CommandLine cl) {
        StringWriter s = new StringWriter();
        cl.usage(new PrintWriter(s, true), cl.getColorScheme());
        return s.toString();
    }

    private static String versionName(CommandSpec spec) {
        for (OptionSpec o : spec.options()) {
            if (o.versionHelp()
                    && Set.of(o.names()).equals(Set.of("-V", "--version"))
                    && spec.versionProvider() instanceof VersionProvider) {
                return spec.qualifiedName();
            }
        }
        return null;
    }

    private static void checkHelpOption(CommandSpec spec) {
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() && Set.of(o.names()).equals(Set.of("-h", "--help"))) {
                return;
            }
        }
        throw new IllegalStateException(spec.qualifiedName() + ": help option is not exactly -h/--help "
                + "(the pre-rendered help recognizes only those); names: "
                + List.of(spec.optionsMap().keySet().toArray()));
    }
}
