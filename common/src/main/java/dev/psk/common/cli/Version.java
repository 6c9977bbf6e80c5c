package dev.psk.common.cli;

/**
 * The toolkit's version and the one {@code --version} line. Free of picocli, so that the
 * pre-rendered path ({@link PrerenderedHelp}) prints it without loading picocli; {@link
 * VersionProvider} gives picocli the same line.
 */
public final class Version {
    /** The release, also in status files and metrics. */
    public static final String NUMBER = "0.1.0";

    private Version() {}

    /** {@code --version} of the command whose full name (root and subcommands) is {@code qualifiedName}. */
    public static String line(String qualifiedName) {
        // concat, not +: string concatenation's invokedynamic bootstrap costs a cold start ~10 ms
        return qualifiedName
                .concat(" ")
                .concat(NUMBER)
                .concat(" (Java ")
                .concat(Runtime.version().toString())
                .concat(")");
    }
}
