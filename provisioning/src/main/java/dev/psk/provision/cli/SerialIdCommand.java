package dev.psk.provision.cli;

import dev.psk.common.Hex;
import dev.psk.common.PskException;
import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.identity.SerialIdentity;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-provision serial-id --salt HEX [--length 8|16] [--root DIR]}. */
@Command(
        name = "serial-id",
        description = {
            "Print the salted hardware-serial identity.",
            "The first 8 or 16 bytes of SHA-256(\"psk-tunnel/v1\" || salt || serial), serial from /proc/device-tree/serial-number,",
            "/sys/class/dmi/id/product_uuid or /sys/class/dmi/id/board_serial (first found, trimmed).",
            "Use one salt per deployment, the same on every peer. An identifier, not a secret."
        },
        footer = {
            "",
            "Example:",
            "  psk-provision serial-id --salt 6a1f0c55e2d94b7a --length 16",
            "",
            "Exit codes: 0 printed, 1 no serial found, 2 usage error."
        })
final class SerialIdCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--salt", required = true, paramLabel = "HEX", description = "The deployment salt, hex.")
    String salt;

    @Option(names = "--length", paramLabel = "N", defaultValue = "8", description = "8 (default) or 16 bytes.")
    int length;

    @Option(
            names = "--root",
            paramLabel = "DIR",
            defaultValue = "/",
            description = "Root directory to read the serial under (tests).")
    Path root;

    @Override
    public Integer call() throws PskException {
        if (length != 8 && length != 16) {
            throw new UsageException("--length: expected 8 or 16, got " + length);
        }
        byte[] s;
        try {
            s = Hex.decode(salt, "--salt");
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (s.length == 0) {
            throw new UsageException("--salt: expected at least one byte of hex (one salt per deployment)");
        }
        spec.commandLine().getOut().println(Hex.encode(SerialIdentity.derive(s, length, root)));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
