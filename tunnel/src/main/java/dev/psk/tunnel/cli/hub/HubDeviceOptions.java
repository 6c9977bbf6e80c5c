package dev.psk.tunnel.cli.hub;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The TUN device and status options the hub server and client share (a picocli mixin). */
final class HubDeviceOptions {
    @Option(
            names = "--no-tun-offload",
            description = "Turn off TCP segmentation and receive offload on the TUN device "
                    + "(on by default; the wire is the same either way).")
    boolean noTunOffload;

    @Option(
            names = "--status-file",
            paramLabel = "FILE|DIR",
            description =
                    "Status file read by 'psk-tunnel show', or a directory for NAME.json (default: /run/psk-tunnel/NAME.json).")
    Path statusFile;

    @Option(
            names = "--metrics",
            arity = "0..1",
            fallbackValue = dev.psk.tunnel.cli.status.MetricsEndpoint.DEFAULT,
            paramLabel = "ADDR",
            description = "Serve Prometheus metrics on ADDR, [HOST:]PORT (a port alone: 127.0.0.1; no value: "
                    + dev.psk.tunnel.cli.status.MetricsEndpoint.DEFAULT + "). Off by default.")
    String metrics;

    /** The status file for interface {@code name}: the option, else the default path. */
    Path statusFile(String name) {
        return dev.psk.tunnel.cli.status.StatusDirectory.statusFile(statusFile, name);
    }
}
