package dev.psk.common.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * {@code TOOL [COMMAND...] --help} and {@code --version} without building the command model: the
 * help of every command is rendered at build time by {@link HelpIndexWriter} (from the same picocli
 * model, in both color modes) into resources of the tool's jar, and printed from there; the version
 * line is {@link Version#line} of the command's full name, also written at build time. Building
 * picocli's model by reflection costs about 300 ms of a cold start; this path loads no picocli
 * class.
 *
 * <p>Contract: {@link #print} handles exactly {@code [COMMAND...] (-h|--help|-V|--version)} where
 * every COMMAND word names a command (or alias) of the tool; anything else, or a word that is not a
 * plain command name, returns false untouched, and the caller runs picocli, which prints the same
 * text for the same request. This class must not reference picocli, and avoids string
 * concatenation with {@code +} (its invokedynamic bootstrap spins classes, about 10 ms at start).
 */
public final class PrerenderedHelp {
    /**
     * Where the texts live: {@code ROOT/TOOL[/COMMAND...]/} holds {@code help.txt}, {@code
     * help.ansi} and {@code name.txt} (the command's full name, for the version line).
     */
    public static final String ROOT = "META-INF/psk-help/";

    /**
     * System property: {@code false} sends help requests to picocli (the AOT cache is trained that
     * way, so it holds the classes of a real command's start).
     */
    public static final String ENABLED_PROPERTY = "psk.help.prerendered";

    /** A command word as picocli's names and aliases in this toolkit are written. */
    private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private PrerenderedHelp() {}

    /**
     * Prints the help or version of the command named by {@code args} to standard output when
     * {@code args} is a plain help or version request; returns whether it did (the caller then
     * exits 0).
     */
    public static boolean print(String tool, String[] args) {
        if ("false".equals(System.getProperty(ENABLED_PROPERTY))) {
            return false;
        }
        String text;
        if (isVersionRequest(args)) {
            text = version(tool, args);
        } else if (isHelpRequest(args)) {
            // the color rule reads the environment and /proc: only for a help request, not every start
            text = lookup(tool, args, TerminalColor.enabled());
        } else {
            return false;
        }
        if (text == null) {
            return false;
        }
        PrintStream out = System.out;
        out.print(text);
        out.flush(); // a closed pipe is not an error here, as for picocli's own help
        return true;
    }

    /** The rendered help for a plain help request, or null when {@code args} is not one. */
    public static String lookup(String tool, String[] args, boolean color) {
        return isHelpRequest(args) ? read(path(tool, args), color ? "help.ansi" : "help.txt") : null;
    }

    /** The version line (with its newline) for a plain version request, or null. */
    public static String version(String tool, String[] args) {
        if (!isVersionRequest(args)) {
            return null;
        }
        String name = read(path(tool, args), "name.txt");
        return name == null ? null : Version.line(name.strip()).concat(System.lineSeparator());
    }

    private static boolean isHelpRequest(String[] args) {
        String last = last(args);
        return "--help".equals(last) || "-h".equals(last);
    }

    private static boolean isVersionRequest(String[] args) {
        String last = last(args);
        return "--version".equals(last) || "-V".equals(last);
    }

    private static String last(String[] args) {
        return args.length == 0 ? "" : args[args.length - 1];
    }

    private static String read(String dir, String file) {
        if (dir == null) {
            return null;
        }
        try (InputStream in = PrerenderedHelp.class.getClassLoader().getResourceAsStream(dir.concat(file))) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null; // picocli renders it instead
        }
    }

    /**
     * The resource directory of the command named by all but the last of {@code args}, or null
     * when a word is not a command name (nothing outside the help tree can be named).
     */
    static String path(String tool, String[] args) {
        if (args.length == 0 || !WORD.matcher(tool).matches()) {
            return null;
        }
        StringBuilder path = new StringBuilder(ROOT).append(tool).append('/');
        for (int i = 0; i < args.length - 1; i++) {
            if (!WORD.matcher(args[i]).matches()) {
                return null;
            }
            path.append(args[i]).append('/');
        }
        return path.toString();
    }
}
