package dev.psk.tunnel.cli.hub;

import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.common.cli.VersionProvider;
import dev.psk.common.log.Log;
import dev.psk.identity.Signer;
import dev.psk.identity.pkcs11.PinSource;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.TokenSigner;
import dev.psk.tunnel.cli.status.DeviceMetrics;
import dev.psk.tunnel.cli.status.MetricsEndpoint;
import dev.psk.tunnel.cli.status.PeerFacts;
import dev.psk.tunnel.cli.status.StatusWriter;
import dev.psk.tunnel.cli.support.IdentityFlagRules;
import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.hub.Cidr;
import dev.psk.tunnel.hub.ClientConfig;
import dev.psk.tunnel.hub.HubClient;
import dev.psk.tunnel.hub.HubConfigParser;
import dev.psk.tunnel.hub.Timers;
import dev.psk.tunnel.io.tun.LinuxTun;
import dev.psk.tunnel.io.tun.TunConfigurator;
import dev.psk.tunnel.wire.Psk2Wire;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code psk-tunnel hub client --config FILE}: connects to a hub and carries this host's traffic until SIGINT/SIGTERM. */
@Command(
        name = "client",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Connect to a hub and route the configured prefixes through it.",
            "This end is the Noise IKpsk2 initiator. Stop it with Ctrl+C or SIGTERM."
        },
        footer = {"", "Example (root: it creates the TUN device):", "  psk-tunnel hub client --config alice.json"})
public final class HubClientCommand implements Callable<Integer> {
    private static final Log LOG = Log.stderr("psk-tunnel");

    @Mixin
    VerboseOption verbose;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "Client configuration (JSON, see docs/hub.md).")
    Path config;

    @Option(names = "--no-configure", description = "Do not address the TUN interface or add routes (done elsewhere).")
    boolean noConfigure;

    @Mixin
    HubDeviceOptions deviceOptions = new HubDeviceOptions();

    @Option(
            names = "--identity-key",
            paramLabel = "URI",
            description = "Sign each handshake with this token key (the hub must pin it as IdentityPin).")
    String identityKey;

    @Option(
            names = "--pin-file",
            paramLabel = "FILE",
            description = "Token PIN for --identity-key (first line; mode 0600).")
    Path pinFile;

    @Override
    public Integer call() throws Exception {
        IdentityFlagRules.refusePinValue("--identity-key", identityKey);
        java.net.InetSocketAddress metricsAt =
                deviceOptions.metrics == null ? null : MetricsEndpoint.parse("--metrics", deviceOptions.metrics);
        ClientConfig cfg = HubConfigParser.readClient(config);
        ConfigPermissions.warnIfOpen(config);
        if (pinFile != null && identityKey == null) {
            throw new UsageException("--pin-file needs --identity-key");
        }
        Signer signer = identityKey == null
                ? null
                : TokenSigner.open(
                        Pkcs11Uri.parse(identityKey), pinFile == null ? PinSource.none() : PinSource.file(pinFile));
        InetSocketAddress server = dev.psk.tunnel.cli.support.EndpointResolver.fromEnvironment(LOG::info)
                .resolve("ServerEndpoint", cfg.serverHost(), cfg.serverPort());
        LinuxTun tun = LinuxTun.open(cfg.interfaceName(), cfg.mtu(), !deviceOptions.noTunOffload);
        HubClient client = null;
        StatusWriter status = null;
        MetricsEndpoint metrics = null;
        try {
            if (!noConfigure) {
                List<String> routes = new ArrayList<>();
                for (Cidr r : cfg.routes()) {
                    routes.add(r.toString());
                }
                TunConfigurator.configure(
                        tun.name(), cfg.addresses().stream().map(Cidr::toString).toList(), routes, cfg.mtu());
            }
            UdpSocket ch = UdpSocket.bind(
                    new InetSocketAddress(server.getAddress() instanceof java.net.Inet6Address ? "::" : "0.0.0.0", 0),
                    Psk2Wire.SOCKET_BUFFER_BYTES);
            client = new HubClient(
                    cfg,
                    tun,
                    ch,
                    server,
                    Timers.Settings.defaults(cfg.persistentKeepaliveSeconds()),
                    signer,
                    System::nanoTime);
            client.start();
            if (metricsAt != null) {
                io.prometheus.metrics.model.registry.PrometheusRegistry registry =
                        new io.prometheus.metrics.model.registry.PrometheusRegistry();
                DeviceMetrics.register(registry, client.device(), PeerFacts.DEFAULT);
                metrics = MetricsEndpoint.serve(registry, metricsAt);
            }
            LOG.info("client " + cfg.name() + " " + cfg.fingerprint() + " -> " + server + ", interface " + tun.name()
                    + (metrics != null ? ", metrics " + metrics.url() : ""));
            status = StatusWriter.start(
                    deviceOptions.statusFile(tun.name()),
                    client.device(),
                    "hub client",
                    ch.localAddress().getPort(),
                    LOG::warn);
            dev.psk.common.SystemdNotify.ready("client " + cfg.name() + " on " + tun.name() + " -> " + server);
            Foreground fg = new Foreground("hub client " + cfg.name() + " on " + tun.name(), LOG);
            fg.failWhen(client.device());
            return fg.run(client, signer, status, metrics);
        } catch (Exception e) {
            if (status != null) {
                status.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            if (client != null) {
                client.close();
            } else {
                tun.close();
            }
            if (signer != null) {
                signer.close();
            }
            throw e;
        }
    }
}
