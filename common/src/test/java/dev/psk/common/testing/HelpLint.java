package dev.psk.common.testing;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The toolkit's help-text rules, checked over a whole picocli command tree (every subcommand,
 * recursively):
 *
 * <ul>
 *   <li>every line of every rendered {@code --help} fits {@value #WIDTH} columns, and so does every
 *       indented footer line as written (an example: picocli would re-wrap a longer one onto
 *       column 0, cutting it where it no longer pastes; prose lines may wrap);
 *   <li>every example pastes as it is: picocli renders each example line unchanged (no re-wrap),
 *       examples are indented (never on column 0), and a {@code \\} continuation is a word
 *       boundary (a space before it), so no file name or URI is split across lines;
 *   <li>every option and positional parameter has a description, and it ends in '.';
 *   <li>each command's summary (the first description line, which the parent lists) is a complete
 *       sentence ending in '.', so a multi-line description never shows a cut-off summary, and it
 *       fits on one line of the parent's command list;
 *   <li>parameter labels share one style: UPPER_CASE words ({@code FILE}, {@code DIR}, {@code URI},
 *       {@code KEY=VALUE}), no single letters other than {@code N};
 *   <li>{@code --out} is always a file; a directory is {@code --out-dir DIR}.
 * </ul>
 *
 * Each violation names the command and the offending text, so a failing test says what to fix.
 */
public final class HelpLint {
    public static final int WIDTH = 80;

    private static final Pattern LABEL = Pattern.compile("[A-Z][A-Z0-9_]*(?:[=:|][A-Z][A-Z0-9_]*)*");

    private HelpLint() {}

    /** All violations in the tree rooted at {@code root}; empty when the help text is clean. */
    public static List<String> violations(CommandLine root) {
        List<String> out = new ArrayList<>();
        walk(root, out);
        return out;
    }

    /** Every command of the tree, root first (for tests that visit each, e.g. exit codes). */
    public static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        collect(root, all);
        return all;
    }

    /**
     * Every example in the footers of the tree: indented lines that start with the root command's
     * name, joined with their {@code \\} continuation lines, split into words as a POSIX shell
     * would for plain quoting (a word with a {@code $(...)} command substitution is replaced by
     * {@code substitute}; a trailing
     * {@code # comment} is dropped). The root name is the first word.
     */
    public static List<List<String>> examples(CommandLine root, String substitute) {
        String tool = root.getCommandName();
        List<List<String>> all = new ArrayList<>();
        for (CommandLine c : commands(root)) {
            List<String> lines = new ArrayList<>();
            for (String raw : c.getCommandSpec().usageMessage().footer()) {
                lines.addAll(List.of(raw.split("%n|\n", -1)));
            }
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().startsWith(tool + " ")) {
                    continue;
                }
                StringBuilder cmd = new StringBuilder();
                String line = lines.get(i).strip();
                while (line.endsWith("\\") && i + 1 < lines.size()) {
                    cmd.append(line, 0, line.length() - 1).append(' ');
                    line = lines.get(++i).strip();
                }
                cmd.append(line);
                all.add(words(cmd.toString(), substitute));
            }
        }
        return all;
    }

    private static List<String> words(String cmd, String substitute) {
        List<String> words = shellWords(cmd);
        words.replaceAll(s -> s.contains("$(") ? substitute : s);
        return words;
    }

    /**
     * Splits an example command like a POSIX shell for plain quoting: quotes group and are
     * removed, a {@code $(...)} stays one word (unexpanded), an unquoted '#' at a word start begins
     * a comment. Shared by the help-text checks and the runner of README/docs examples.
     */
    public static List<String> shellWords(String cmd) {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        for (int i = 0; i < cmd.length(); i++) {
            char ch = cmd.charAt(i);
            if (ch == '\'' || ch == '"') {
                int end = cmd.indexOf(ch, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unbalanced quote in example: " + cmd);
                }
                w = w == null ? new StringBuilder() : w;
                w.append(cmd, i + 1, end);
                i = end;
            } else if (ch == '$' && i + 1 < cmd.length() && cmd.charAt(i + 1) == '(') {
                int end = cmd.indexOf(')', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unbalanced $( in example: " + cmd);
                }
                w = w == null ? new StringBuilder() : w;
                w.append(cmd, i, end + 1);
                i = end;
            } else if (ch == '#' && w == null) {
                break;
            } else if (Character.isWhitespace(ch)) {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
            } else {
                w = w == null ? new StringBuilder() : w;
                w.append(ch);
            }
        }
        if (w != null) {
            words.add(w.toString());
        }
        return words;
    }

    private static void collect(CommandLine cl, List<CommandLine> all) {
        all.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!all.contains(sub)) {
                collect(sub, all);
            }
        }
    }

    private static void walk(CommandLine cl, List<String> out) {
        for (CommandLine c : commands(cl)) {
            check(c, out);
        }
    }

    private static void check(CommandLine cl, List<String> out) {
        CommandSpec spec = cl.getCommandSpec();
        String name = spec.qualifiedName();
        String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        List<String> rendered = List.of(usage.split("\n", -1));
        for (String line : rendered) {
            if (line.length() > WIDTH) {
                out.add(name + ": help line of " + line.length() + " columns: " + line);
            }
        }
        checkExamples(name, spec, rendered, out);
        checkCommandList(name, cl, out);
        String[] desc = spec.usageMessage().description();
        String[] header = spec.usageMessage().header();
        String summary = header.length > 0 ? header[0] : desc.length > 0 ? desc[0] : "";
        if (summary.isBlank()) {
            out.add(name + ": no description");
        } else if (!summary.strip().endsWith(".")) {
            out.add(name + ": summary is not a complete sentence ending in '.': " + summary);
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            checkArg(name, o.longestName(), o, out);
            if (java.util.Arrays.asList(o.names()).contains("--out")
                    && o.paramLabel().equals("DIR")) {
                out.add(name + ": --out names a FILE in every tool; a directory is --out-dir DIR");
            }
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            checkArg(name, "positional " + p.paramLabel(), p, out);
        }
    }

    /** Footer example lines: indented, rendered unchanged, continued only at a word boundary. */
    private static void checkExamples(String name, CommandSpec spec, List<String> rendered, List<String> out) {
        String tool = spec.root().name();
        boolean continued = false;
        for (String raw : spec.usageMessage().footer()) {
            for (String line : raw.split("%n|\n", -1)) {
                boolean example = continued || line.strip().startsWith(tool + " ");
                if (!example) {
                    continue;
                }
                if (line.length() > WIDTH) {
                    out.add(name + ": example line of " + line.length()
                            + " columns (picocli would re-wrap it, breaking examples): " + line);
                } else if (!rendered.contains(line)) {
                    out.add(name + ": example line is not rendered as written (re-wrapped): " + line);
                }
                if (!line.startsWith(" ")) {
                    out.add(name + ": example on column 0 (indent it): " + line);
                }
                continued = line.endsWith("\\");
                if (continued && !line.endsWith(" \\")) {
                    out.add(name + ": example continued inside a word (put a space before '\\'): " + line);
                }
            }
        }
    }

    /** Each subcommand's summary takes exactly one line of this command's command list. */
    private static void checkCommandList(String name, CommandLine cl, List<String> out) {
        if (cl.getSubcommands().isEmpty()) {
            return;
        }
        String list = cl.getHelp().commandList();
        String previous = "";
        for (String line : list.split("\n", -1)) {
            if (line.startsWith("   ") && !line.isBlank()) {
                if (!previous.isEmpty()) {
                    out.add(name + ": the summary of '" + previous.strip().split(" ")[0]
                            + "' wraps in the command list (make it one short line): " + line.strip());
                }
                previous = "";
            } else {
                previous = line;
            }
        }
    }

    private static void checkArg(String command, String what, ArgSpec a, List<String> out) {
        String[] d = a.description();
        if (d.length == 0 || String.join("", d).isBlank()) {
            out.add(command + ": " + what + " has no description");
        } else if (!d[d.length - 1].strip().endsWith(".")) {
            out.add(command + ": " + what + " description does not end in '.': " + d[d.length - 1]);
        }
        boolean takesValue = a.isPositional() || a.arity().max() > 0;
        String label = a.paramLabel();
        if (takesValue && (!LABEL.matcher(label).matches() || label.length() == 1 && !label.equals("N"))) {
            out.add(command + ": " + what + " has parameter label '" + label
                    + "', expected an UPPER_CASE word like FILE, DIR or URI");
        }
    }

    // ---- The checks each tool's HelpTextTest runs, one implementation for all of them ----

    /** Fails listing every {@link #violations} of the tool's help text. */
    public static void assertFollowsRules(Supplier<Object> tool) {
        List<String> v = violations(CliRunner.commandLine(tool.get()));
        if (!v.isEmpty()) {
            throw new AssertionError(v.size() + " violations:\n" + String.join("\n", v));
        }
    }

    /**
     * Every footer example parses (no unknown option, missing parameter or bad value), with command
     * substitutions replaced by {@code substitute}; {@code someExpected}: finding none is a failure.
     */
    public static void assertExamplesParse(Supplier<Object> tool, String substitute, boolean someExpected) {
        List<List<String>> found = examples(CliRunner.commandLine(tool.get()), substitute);
        if (someExpected && found.isEmpty()) {
            throw new AssertionError("no examples found");
        }
        for (List<String> ex : found) {
            try {
                new CommandLine(tool.get()).parseArgs(ex.subList(1, ex.size()).toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new AssertionError(String.join(" ", ex) + ": " + e.getMessage(), e);
            }
        }
    }

    /** The qualified names of the tool's command groups (commands that have subcommands). */
    public static List<String> groups(Supplier<Object> tool) {
        return commands(CliRunner.commandLine(tool.get())).stream()
                .filter(c -> !c.getSubcommands().isEmpty())
                .map(c -> c.getCommandSpec().qualifiedName())
                .toList();
    }

    /** A group given no subcommand is a usage error: exit 2, the usage on stderr, nothing on stdout. */
    public static void assertGroupWithoutSubcommandIsAUsageError(Supplier<Object> tool, String qualified) {
        String[] words = qualified.split(" ");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CliRunner.commandLine(tool.get());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(Arrays.copyOfRange(words, 1, words.length));
        check(code == ExitCodes.USAGE, qualified + ": exit " + code + ", expected " + ExitCodes.USAGE);
        check(out.toString().isEmpty(), qualified + ": stdout not empty: " + out);
        check(err.toString().startsWith(qualified + ": missing command ("), err.toString());
        check(err.toString().contains("Usage: " + qualified), err.toString());
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
