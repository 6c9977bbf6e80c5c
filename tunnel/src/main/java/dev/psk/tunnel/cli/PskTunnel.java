package dev.psk.tunnel.cli;

import dev.psk.common.CoreDumps;
import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.PrerenderedHelp;
import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.common.cli.VersionProvider;
import dev.psk.common.log.Log;
import dev.psk.tunnel.cli.status.MetricsEndpoint;
import dev.psk.tunnel.cli.status.StatusDirectory;
import dev.psk.tunnel.cli.status.StatusFile;
import dev.psk.tunnel.crypto.AeadBackend;
import dev.psk.tunnel.wire.Psk2Wire;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code psk-tunnel}: runs one end of a PSK2 tunnel with the seed's flags, or ({@code show}) prints
 * the status of running tunnels.
 */
@Command(
        name = "psk-tunnel",
        scope = ScopeType.INHERIT, // subcommands get --help, --version and the version provider
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {ShowCommand.class, dev.psk.tunnel.cli.hub.HubTunnelCommand.class},
        description = {
            "Runs one end of a pad-keyed UDP/TUN tunnel (PSK2 packets, wire-compatible with the seed).",
            "Needs root (TUN device, addresses, route). Stop with Ctrl+C or SIGTERM: state is saved, the TUN device removed."
        },
        footer = {
            "",
            "Example (site A, start the responder at site B first):",
            "  psk-tunnel --psk /mnt/secure/psk.bin --initiator --remote-host 169.254.10.3 \\",
            "      --local-ip 10.0.0.1 --remote-ip 10.0.0.2 \\",
            "      --state /var/lib/psk-tunnel/state_a.json"
        })
public final class PskTunnel implements Callable<Integer> {
    @Option(names = "--psk", paramLabel = "PAD", description = "The pad file (same bytes at both ends). Required.")
    Path psk;

    @Option(
            names = "--local-port",
            defaultValue = "" + Psk2Wire.DEFAULT_PORT,
            paramLabel = "PORT",
            description = "UDP port to bind on 0.0.0.0 (default: ${DEFAULT-VALUE}).")
    int localPort;

    @Option(
            names = "--remote-host",
            paramLabel = "HOST",
            description = "The peer's transport address; datagrams from any other address are dropped.")
    String remoteHost;

    @Option(
            names = "--remote-port",
            defaultValue = "" + Psk2Wire.DEFAULT_PORT,
            paramLabel = "PORT",
            description = "The peer's UDP port (default: ${DEFAULT-VALUE}).")
    int remotePort;

    @Option(
            names = "--initiator",
            description = "This end is the initiator (sends with the slots' A->B keys); omit at the responder.")
    boolean initiator;

    @Option(
            names = "--local-ip",
            paramLabel = "ADDR",
            description = "This end's IPv4 address inside the tunnel (set as /24 on the TUN device).")
    String localIp;

    @Option(
            names = "--remote-ip",
            paramLabel = "ADDR",
            description = "The peer's IPv4 address inside the tunnel (routed through the TUN device).")
    String remoteIp;

    @Option(
            names = "--state",
            defaultValue = "/var/lib/psk-tunnel/state.json",
            paramLabel = "FILE",
            description = "Crash-safe state of this end (default: ${DEFAULT-VALUE}). One per end and pad.")
    Path state;

    @Option(
            names = "--tun",
            defaultValue = "tun0",
            paramLabel = "NAME",
            description = "TUN interface name (default: ${DEFAULT-VALUE}).")
    String tun;

    @Option(
            names = "--mtu",
            defaultValue = "" + Psk2Wire.DEFAULT_MTU,
            paramLabel = "BYTES",
            description = "TUN MTU (default: ${DEFAULT-VALUE} = 1500 - 20 IPv4 - 8 UDP - 48 PSK2, rounded down).")
    int mtu;

    @Option(
            names = "--replay-window",
            defaultValue = "" + Psk2Wire.DEFAULT_REPLAY_WINDOW,
            paramLabel = "PACKETS",
            description = "Out-of-order packets accepted (default: ${DEFAULT-VALUE}; " + Psk2Wire.MIN_REPLAY_WINDOW
                    + ".." + Psk2Wire.MAX_REPLAY_WINDOW + ").")
    int replayWindow;

    @Option(
            names = "--stats-interval",
            defaultValue = "10s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Interval of the stats and pad lines (default: ${DEFAULT-VALUE}; 0 disables).")
    Duration statsInterval;

    @Option(
            names = "--metrics",
            arity = "0..1",
            fallbackValue = MetricsEndpoint.DEFAULT,
            paramLabel = "ADDR",
            description = "Serve Prometheus metrics on ADDR, [HOST:]PORT (a port alone: 127.0.0.1; no value: "
                    + MetricsEndpoint.DEFAULT + "). Off by default.")
    String metrics;

    @Option(
            names = "--status-file",
            paramLabel = "FILE|DIR",
            description = "Status file read by 'psk-tunnel show', or a directory for NAME.json (default: "
                    + StatusFile.DEFAULT_DIR + "/NAME.json).")
    Path statusFile;

    @Option(
            names = "--tun-offload",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "TCP segmentation and receive offload on the TUN device: the kernel hands over and takes "
                    + "64 KiB TCP frames, cut and joined here; the wire is unchanged (default: on).")
    boolean tunOffload;

    @Option(
            names = "--aead",
            defaultValue = "auto",
            paramLabel = "IMPL",
            converter = AeadBackendConverter.class,
            completionCandidates = AeadBackendConverter.Candidates.class,
            description =
                    "ChaCha20-Poly1305 implementation: auto (libcrypto if present), openssl or jce (default: ${DEFAULT-VALUE}).")
    AeadBackend aead;

    @Mixin
    HandshakeOptions handshake = new HandshakeOptions();

    @Mixin
    VerboseOption verbose;

    TunFactory tunFactory = TunFactory.LINUX;

    @Override
    public Integer call() throws Exception {
        validate();
        return new TunnelDaemon(this, tunFactory, Log.stdout(TunnelDaemon.PROGRAM), Log.stderr(TunnelDaemon.PROGRAM))
                .run();
    }

    void validate() {
        // Checked here rather than with picocli's "required" so that 'psk-tunnel show' needs none of them.
        require("--psk", psk);
        require("--remote-host", remoteHost);
        require("--local-ip", localIp);
        require("--remote-ip", remoteIp);
        dev.psk.tunnel.cli.support.TunFlagRules.check(tun, localIp, remoteIp);
        checkPort("--local-port", localPort, true);
        checkPort("--remote-port", remotePort, false);
        if (mtu < Psk2Wire.MIN_MTU || mtu > Psk2Wire.MAX_MTU) {
            throw new UsageException("--mtu must be " + Psk2Wire.MIN_MTU + ".." + Psk2Wire.MAX_MTU + ", not " + mtu);
        }
        if (replayWindow < Psk2Wire.MIN_REPLAY_WINDOW || replayWindow > Psk2Wire.MAX_REPLAY_WINDOW) {
            throw new UsageException("--replay-window must be " + Psk2Wire.MIN_REPLAY_WINDOW + ".."
                    + Psk2Wire.MAX_REPLAY_WINDOW + " packets, not " + replayWindow);
        }
        if (metrics != null) {
            metricsAddress();
        }
        handshake.validate();
    }

    private static void require(String option, Object value) {
        if (value == null) {
            throw new UsageException("missing required option " + option);
        }
    }

    private static void checkPort(String option, int port, boolean zeroOk) {
        if (port < (zeroOk ? 0 : 1) || port > 65535) {
            throw new UsageException(option + " must be " + (zeroOk ? 0 : 1) + "..65535, not " + port);
        }
    }

    /** The parsed {@code --metrics} address (call only when it is set). */
    java.net.InetSocketAddress metricsAddress() {
        return MetricsEndpoint.parse("--metrics", metrics);
    }

    Path statusFilePath() {
        return StatusDirectory.statusFile(statusFile, tun);
    }

    public static void main(String[] args) {
        if (PrerenderedHelp.print("psk-tunnel", args)) {
            return; // help rendered at build time: no command model to build
        }
        CoreDumps.disableOrWarn(); // keys and pads must not reach a core file
        System.exit(CliRunner.run(new PskTunnel(), args));
    }
}
