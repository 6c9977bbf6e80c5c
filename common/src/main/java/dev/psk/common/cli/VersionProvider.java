package dev.psk.common.cli;

import picocli.CommandLine;

/**
 * {@code --version} text for every CLI: {@link Version#line} of the command it is asked of (picocli
 * fills in the command's full name; one provider instance serves a whole tree, so it cannot be
 * read from an injected spec).
 */
public final class VersionProvider implements CommandLine.IVersionProvider {
    public static final String VERSION = Version.NUMBER;

    @Override
    public String[] getVersion() {
        return new String[] {Version.line("${COMMAND-FULL-NAME}")};
    }
}
