package dev.psk.tunnel.hub;

import java.util.List;

/**
 * The hub's configuration: its static key pair, where it listens, its tunnel interface and the
 * clients it admits. Validated by {@link HubConfigParser}; immutable. {@link #toString()} shows no
 * secret.
 *
 * @param addresses the hub's own tunnel addresses ("10.77.0.1/24"), host bits allowed
 * @param metricsPort 0 for no metrics, else the 127.0.0.1 port of the Prometheus endpoint
 * @param clientToClient when true, packets between clients (routed back into the TUN device by the
 *     hub's kernel, so subject to its forwarding setting and firewall) are carried; when false the
 *     hub refuses them (no_route)
 */
public record HubConfig(
        byte[] privateKey,
        byte[] publicKey,
        String listenAddress,
        int listenPort,
        String interfaceName,
        List<Cidr> addresses,
        int mtu,
        int metricsPort,
        boolean clientToClient,
        List<AllowedClient> clients) {

    public HubConfig {
        privateKey = privateKey.clone();
        publicKey = publicKey.clone();
        addresses = List.copyOf(addresses);
        clients = List.copyOf(clients);
    }

    /** A copy of the private key: the caller wipes it after use. */
    @Override
    public byte[] privateKey() {
        return privateKey.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    public String fingerprint() {
        return AllowedClient.fingerprint(publicKey);
    }

    @Override
    public String toString() {
        return "HubConfig[" + fingerprint() + " " + listenAddress + ":" + listenPort + " " + clients.size()
                + " clients]";
    }
}
