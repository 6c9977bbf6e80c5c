package dev.psk.it.examples;

import dev.psk.attest.cli.PskAttest;
import dev.psk.common.cli.CliRunner;
import dev.psk.common.testing.HelpLint;
import dev.psk.keygen.cli.PskKeygen;
import dev.psk.provision.cli.PskProvision;
import dev.psk.tunnel.cli.PskTunnel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Finds the example commands of the four tools: the indented lines of every {@code --help} footer,
 * and the lines of fenced shell code blocks ({@code ```sh}, {@code ```bash}) in README.md and docs/*.md that call a tool (after an
 * optional {@code sudo} and {@code bin/}). Continuation lines ({@code \}) are joined, a trailing
 * {@code # comment} dropped, {@code $VAR} expanded from {@code VAR=value} lines of the same block,
 * and a {@code $(...)} command substitution kept as one word for the runner to resolve.
 */
final class ExampleSources {
    static final Map<String, Supplier<Object>> TOOLS = new LinkedHashMap<>();

    static {
        TOOLS.put("psk-keygen", PskKeygen::new);
        TOOLS.put("psk-tunnel", PskTunnel::new);
        TOOLS.put("psk-provision", PskProvision::new);
        TOOLS.put("psk-attest", PskAttest::new);
    }

    private static final Pattern CALL =
            Pattern.compile("^(?:sudo\\s+)?(?:bin/)?(psk-(?:keygen|tunnel|provision|attest))\\s");
    /** Commands are read from shell blocks only (a bare ``` block is a diagram, a file or output). */
    private static final Pattern SHELL_BLOCK = Pattern.compile("```(?:sh|bash|shell)");

    private static final Pattern ASSIGN = Pattern.compile("^([A-Z_][A-Z0-9_]*)=(\\S+)");
    private static final Pattern VAR = Pattern.compile("\\$\\{?([A-Z_][A-Z0-9_]*)\\}?");

    private ExampleSources() {}

    /** The repository root: the parent of the tests module's working directory. */
    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("README.md")) ? here : here.getParent();
    }

    private static List<Example> cached;

    /** All examples (read once per JVM). */
    static synchronized List<Example> all() throws IOException {
        if (cached == null) {
            cached = List.copyOf(read());
        }
        return cached;
    }

    private static List<Example> read() throws IOException {
        List<Example> all = new ArrayList<>(help());
        all.addAll(markdown(repo().resolve("README.md")));
        try (Stream<Path> docs = Files.list(repo().resolve("docs"))) {
            for (Path d :
                    docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                all.addAll(markdown(d));
            }
        }
        return all;
    }

    /** Every tool's footer examples, one scenario per tool, in command order. */
    static List<Example> help() {
        List<Example> all = new ArrayList<>();
        for (var t : TOOLS.entrySet()) {
            CommandLine root = CliRunner.commandLine(t.getValue().get());
            for (CommandLine c : dev.psk.common.testing.HelpLint.commands(root)) {
                String where = c.getCommandSpec().qualifiedName() + " --help";
                List<String> lines = new ArrayList<>();
                for (String raw : c.getCommandSpec().usageMessage().footer()) {
                    lines.addAll(List.of(raw.split("%n|\n", -1)));
                }
                all.addAll(fromLines(lines, where, t.getKey() + " --help", false));
            }
        }
        return all;
    }

    static List<Example> markdown(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String name = repo().relativize(file).toString();
        List<Example> all = new ArrayList<>();
        boolean inBlock = false;
        boolean shell = false;
        List<String> block = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.strip().startsWith("```")) {
                if (inBlock) {
                    if (shell) {
                        all.addAll(fromLines(block, name + ":" + start, name, true));
                    }
                    block.clear();
                } else {
                    start = i + 2;
                    shell = SHELL_BLOCK.matcher(l.strip()).matches();
                }
                inBlock = !inBlock;
            } else if (inBlock) {
                block.add(l);
            }
        }
        return all;
    }

    /**
     * Examples in a list of lines; {@code where} is the source, with {@code :N} for the first line
     * of a markdown block (each example's own line number replaces it).
     */
    private static List<Example> fromLines(List<String> lines, String where, String scenario, boolean numbered) {
        List<Example> out = new ArrayList<>();
        Map<String, String> vars = new HashMap<>();
        int first = numbered ? Integer.parseInt(where.substring(where.lastIndexOf(':') + 1)) : 0;
        String file = numbered ? where.substring(0, where.lastIndexOf(':')) : where;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            Matcher a = ASSIGN.matcher(line);
            if (a.find()) {
                vars.put(a.group(1), a.group(2));
            }
            Matcher m = CALL.matcher(line + " ");
            if (!m.find()) {
                continue;
            }
            int at = i;
            StringBuilder cmd = new StringBuilder();
            while (line.endsWith("\\") && i + 1 < lines.size()) {
                cmd.append(line, 0, line.length() - 1).append(' ');
                line = lines.get(++i).strip();
            }
            cmd.append(line);
            List<String> words = HelpLint.shellWords(expand(cmd.toString(), vars));
            while (!words.isEmpty() && !words.getFirst().matches("(?:bin/)?psk-.*")) {
                words.removeFirst(); // sudo
            }
            words.set(0, words.getFirst().replace("bin/", ""));
            out.add(new Example(numbered ? file + ":" + (first + at) : file, scenario, words));
        }
        return out;
    }

    private static String expand(String cmd, Map<String, String> vars) {
        Matcher m = VAR.matcher(cmd);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = vars.get(m.group(1));
            m.appendReplacement(b, Matcher.quoteReplacement(v != null ? v : m.group()));
        }
        return m.appendTail(b).toString();
    }
}
