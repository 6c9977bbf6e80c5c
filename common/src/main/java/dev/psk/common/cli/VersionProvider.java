package dev.psk.common.cli;

import picocli.CommandLine;

/** {@code --version} text for every CLI. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    public static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {"${COMMAND-FULL-NAME} " + VERSION + " (Java " + Runtime.version() + ")"};
    }
}
