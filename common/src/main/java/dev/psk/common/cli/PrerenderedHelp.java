package dev.psk.common.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * {@code TOOL [COMMAND...] --help} without building the command model: the help of every command
 * is rendered at build time by {@link HelpIndexWriter} (from the same picocli model, in both color
 * modes) into resources of the tool's jar, and printed from there. Building picocli's model by
 * reflection costs about 300 ms of a cold start; this path loads no picocli class.
 *
 * <p>Contract: {@link #print} handles exactly the form {@code [COMMAND...] (-h|--help)} where every
 * COMMAND word names a command (or alias) of the tool; anything else, or a word that is not a
 * plain command name, returns false untouched, and the caller runs picocli, which prints the same
 * help for the same request. This class must not reference picocli, and avoids string
 * concatenation with {@code +} (its invokedynamic bootstrap spins classes, about 10 ms at start).
 */
public final class PrerenderedHelp {
    /** Where the rendered texts live: {@code ROOT/TOOL[/COMMAND...]/help.txt} and {@code help.ansi}. */
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
     * Prints the help of the command named by {@code args} to standard output when {@code args}
     * is a plain help request; returns whether it did (the caller then exits 0).
     */
    public static boolean print(String tool, String[] args) {
        if ("false".equals(System.getProperty(ENABLED_PROPERTY))) {
            return false;
        }
        String text = lookup(tool, args, TerminalColor.enabled());
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
        String path = path(tool, args);
        if (path == null) {
            return null;
        }
        try (InputStream in = PrerenderedHelp.class
                .getClassLoader()
                .getResourceAsStream(path.concat(color ? "help.ansi" : "help.txt"))) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null; // picocli renders it instead
        }
    }

    /** The resource directory of the command {@code args} asks help for, or null. */
    static String path(String tool, String[] args) {
        if (args.length == 0 || !WORD.matcher(tool).matches()) {
            return null;
        }
        String last = args[args.length - 1];
        if (!"--help".equals(last) && !"-h".equals(last)) {
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
