package dev.psk.common.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether help text is printed with ANSI styles: the one rule for picocli's renderer and for the
 * build-time rendered help ({@link PrerenderedHelp}), so both print the same bytes.
 *
 * <ol>
 *   <li>{@code NO_COLOR} set to anything but the empty string: no styles (no-color.org);
 *   <li>otherwise {@code CLICOLOR_FORCE} set to anything but the empty string or {@code 0}: styles;
 *   <li>otherwise styles only when standard output is a terminal and {@code TERM} is not {@code dumb}.
 * </ol>
 */
public final class TerminalColor {
    private TerminalColor() {}

    /** The rule applied to this process's environment and standard output. */
    public static boolean enabled() {
        return enabled(System.getenv(), stdoutIsTerminal());
    }

    /**
     * Whether file descriptor 1 is a terminal, read from {@code /proc/self/fd/1} (Linux, the only
     * platform of the toolkit). Not {@link System#console()}: it answers for stdin and stdout
     * together, and in JDK 25 loads the JLine console provider, about 20 ms of a cold start.
     */
    static boolean stdoutIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // unknown: plain text, which is always readable
        }
    }

    /** The rule for a given environment and whether standard output is a terminal. */
    public static boolean enabled(Map<String, String> env, boolean terminal) {
        String noColor = env.get("NO_COLOR");
        if (noColor != null && !noColor.isEmpty()) {
            return false;
        }
        String force = env.get("CLICOLOR_FORCE");
        if (force != null && !force.isEmpty() && !"0".equals(force)) {
            return true;
        }
        return terminal && !"dumb".equals(env.get("TERM"));
    }
}
