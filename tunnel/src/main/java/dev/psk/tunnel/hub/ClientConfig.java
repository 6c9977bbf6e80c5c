package dev.psk.tunnel.hub;

import java.util.List;

/**
 * A hub client's configuration: its static key pair and PSK, the hub's public key and endpoint,
 * its tunnel addresses and the prefixes it routes through the hub. Immutable; no secret in
 * {@link #toString()}.
 *
 * @param persistentKeepaliveSeconds 0 for none, else an empty transport message this often
 */
public record ClientConfig(
        String name,
        byte[] privateKey,
        byte[] publicKey,
        byte[] psk,
        byte[] serverPublicKey,
        String serverHost,
        int serverPort,
        List<Cidr> addresses,
        List<Cidr> routes,
        String interfaceName,
        int mtu,
        int persistentKeepaliveSeconds) {

    public ClientConfig {
        privateKey = privateKey.clone();
        publicKey = publicKey.clone();
        psk = psk.clone();
        serverPublicKey = serverPublicKey.clone();
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
    }

    @Override
    public byte[] privateKey() {
        return privateKey.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] psk() {
        return psk.clone();
    }

    @Override
    public byte[] serverPublicKey() {
        return serverPublicKey.clone();
    }

    public String fingerprint() {
        return AllowedClient.fingerprint(publicKey);
    }

    @Override
    public String toString() {
        return "ClientConfig[" + name + " " + fingerprint() + " -> " + serverHost + ":" + serverPort + "]";
    }
}
