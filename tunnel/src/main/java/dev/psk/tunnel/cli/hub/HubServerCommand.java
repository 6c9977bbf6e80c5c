package dev.psk.tunnel.cli.hub;

import dev.psk.common.cli.VerboseOption;
import dev.psk.common.cli.VersionProvider;
import dev.psk.common.log.Log;
import dev.psk.tunnel.cli.status.DeviceMetrics;
import dev.psk.tunnel.cli.status.MetricsEndpoint;
import dev.psk.tunnel.cli.status.PeerFacts;
import dev.psk.tunnel.cli.status.StatusWriter;
import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.hub.Cidr;
import dev.psk.tunnel.hub.HubConfig;
import dev.psk.tunnel.hub.HubConfigParser;
import dev.psk.tunnel.hub.HubMetrics;
import dev.psk.tunnel.hub.HubReloader;
import dev.psk.tunnel.hub.HubServer;
import dev.psk.tunnel.io.tun.LinuxTun;
import dev.psk.tunnel.io.tun.TunConfigurator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code psk-tunnel hub server --config FILE}: runs the hub until SIGINT/SIGTERM. Reloads the
 * configuration on SIGHUP and whenever the file changes; a reload that removes or disables a client
 * ends its sessions at once.
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Run the hub: admit clients, enforce AllowedIPs, route between them.",
            "Admits the clients of the configuration and reloads it when the file changes or on SIGHUP."
        },
        footer = {"", "Example (root: it creates the TUN device):", "  psk-tunnel hub server --config /etc/psk/hub.json"
        })
public final class HubServerCommand implements Callable<Integer> {
    private static final Log LOG = Log.stderr("psk-tunnel");

    @Mixin
    VerboseOption verbose;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "Hub configuration (JSON, see docs/hub.md).")
    Path config;

    @Option(names = "--no-configure", description = "Do not address the TUN interface or bring it up (done elsewhere).")
    boolean noConfigure;

    @Mixin
    HubDeviceOptions deviceOptions = new HubDeviceOptions();

    /** Before {@code --metrics}: still accepted, not shown. */
    @Option(
            names = "--metrics-port",
            hidden = true,
            paramLabel = "PORT",
            description = "Deprecated: --metrics PORT (0 = off).")
    Integer metricsPort;

    private static final java.net.InetSocketAddress METRICS_OFF = java.net.InetSocketAddress.createUnresolved("off", 0);

    /** {@code --metrics}, else the deprecated {@code --metrics-port} (0: off); empty: not given. */
    private java.util.Optional<java.net.InetSocketAddress> metricsOption() {
        if (deviceOptions.metrics != null) {
            return java.util.Optional.of(MetricsEndpoint.parse("--metrics", deviceOptions.metrics));
        }
        if (metricsPort != null) {
            java.net.InetSocketAddress a = MetricsEndpoint.parse("--metrics-port", String.valueOf(metricsPort));
            return java.util.Optional.of(metricsPort == 0 ? METRICS_OFF : a);
        }
        return java.util.Optional.empty();
    }

    @Option(
            names = "--timestamp-file",
            paramLabel = "FILE",
            description = "Where the newest accepted handshake timestamp of each client is kept across restarts"
                    + " (replay protection; default /var/lib/psk-tunnel/INTERFACE.hub-timestamps).")
    Path timestampFile;

    /** The timestamp file, its directory created owner-only if missing. */
    private Path timestampFile(String iface) throws java.io.IOException {
        Path f = timestampFile != null ? timestampFile : Path.of("/var/lib/psk-tunnel", iface + ".hub-timestamps");
        Path dir = f.toAbsolutePath().getParent();
        if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
            java.nio.file.Files.createDirectories(
                    dir,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        }
        return f;
    }

    /** Client-to-client traffic goes through the hub's kernel: say so when it will not forward. */
    private static void warnIfNotForwarding(HubConfig cfg) {
        if (!cfg.clientToClient()) {
            return;
        }
        try {
            String v = java.nio.file.Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward"))
                    .strip();
            if (v.equals("0")) {
                LOG.warn("net.ipv4.ip_forward is 0: clients reach the hub but not each other"
                        + " (sysctl -w net.ipv4.ip_forward=1, or set ClientToClient: false)");
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux or no procfs: nothing to check
        }
    }

    @Override
    public Integer call() throws Exception {
        var metricsOption = metricsOption(); // a usage error before the configuration is read
        HubConfig cfg = HubConfigParser.readServer(config);
        java.net.InetSocketAddress metricsAt = metricsOption.orElse(
                cfg.metricsPort() > 0 ? MetricsEndpoint.parse("MetricsPort", String.valueOf(cfg.metricsPort())) : null);
        if (metricsAt == METRICS_OFF) {
            metricsAt = null;
        }
        ConfigPermissions.warnIfOpen(config);
        LinuxTun tun = LinuxTun.open(cfg.interfaceName(), cfg.mtu(), !deviceOptions.noTunOffload);
        UdpSocket ch = null;
        HubServer hub = null;
        HubReloader reloader = null;
        MetricsEndpoint metrics = null;
        StatusWriter status = null;
        try {
            if (!noConfigure) {
                TunConfigurator.configure(
                        tun.name(), cfg.addresses().stream().map(Cidr::toString).toList(), List.of(), cfg.mtu());
            }
            ch = HubServer.bind(cfg);
            hub = new HubServer(cfg, tun, ch, HubServer.Options.defaults(), System::nanoTime);
            hub.persistTimestamps(timestampFile(tun.name()));
            reloader = new HubReloader(config, hub);
            reloader.handleSighup();
            if (metricsAt != null) {
                PrometheusRegistry registry = new PrometheusRegistry();
                HubServer h = hub;
                DeviceMetrics.register(registry, hub.device(), PeerFacts.DEFAULT);
                HubMetrics.register(registry, hub.counters(), h::sessionCount, reloader, h);
                metrics = MetricsEndpoint.serve(registry, metricsAt);
            }
            hub.start();
            reloader.start();
            warnIfNotForwarding(cfg);
            LOG.info("hub " + cfg.fingerprint() + " on " + ch.localAddress() + ", interface " + tun.name()
                    + ", " + cfg.clients().size() + " clients"
                    + (metrics != null ? ", metrics " + metrics.url() : ""));
            status = StatusWriter.start(
                    deviceOptions.statusFile(tun.name()),
                    hub.device(),
                    "hub server",
                    ch.localAddress().getPort(),
                    LOG::warn);
            dev.psk.common.SystemdNotify.ready(
                    "hub on " + tun.name() + ", " + cfg.clients().size() + " clients");
            Foreground fg = new Foreground("hub server " + tun.name(), LOG);
            fg.failWhen(hub.device());
            return fg.run(hub, reloader, metrics, status);
        } catch (Exception e) {
            for (AutoCloseable c : new AutoCloseable[] {status, metrics, reloader, hub}) {
                if (c != null) {
                    c.close();
                }
            }
            if (hub == null) {
                if (ch != null) {
                    ch.close();
                }
                tun.close();
            }
            throw e;
        }
    }
}
