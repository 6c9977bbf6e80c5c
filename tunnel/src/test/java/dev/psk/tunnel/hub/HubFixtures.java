package dev.psk.tunnel.hub;

import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Key pairs and JSON configurations for hub tests. */
final class HubFixtures {
    private HubFixtures() {}

    record Keys(byte[] priv, byte[] pub) {
        static Keys generate() {
            try (X25519PrivateKey k = X25519.generatePrivateKey()) {
                return new Keys(k.secret().copy(), X25519.publicKey(k).bytes());
            }
        }

        String privB64() {
            return b64(priv);
        }

        String pubB64() {
            return b64(pub);
        }
    }

    record Client(String name, Keys keys, byte[] psk, String address, boolean enabled) {}

    static byte[] psk() {
        byte[] b = new byte[32];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static String serverJson(Keys hub, int port, List<Client> clients, Map<String, String> extra) {
        List<String> entries = new ArrayList<>();
        for (Client c : clients) {
            entries.add("{\"Name\":\"" + c.name() + "\",\"ClientPublicKey\":\""
                    + c.keys().pubB64() + "\",\"AllowedIPs\":[\"" + c.address() + "/32\"],\"ClientPSK\":\""
                    + b64(c.psk()) + "\",\"Enabled\":" + c.enabled() + "}");
        }
        StringBuilder sb = new StringBuilder(
                "{\"ServerX25519PrivateKey\":\"" + hub.privB64() + "\",\"ListenAddress\":\"127.0.0.1\","
                        + "\"ListenPort\":" + port + ",\"Address\":[\"10.77.0.1/24\"],");
        extra.forEach((k, v) -> sb.append('"').append(k).append("\":").append(v).append(','));
        sb.append("\"AllowedClients\":[").append(String.join(",", entries)).append("]}");
        return sb.toString();
    }

    static String clientJson(Client c, Keys hub, int port) {
        return "{\"Name\":\"" + c.name() + "\",\"ClientX25519PrivateKey\":\""
                + c.keys().privB64() + "\",\"ClientPSK\":\""
                + b64(c.psk()) + "\",\"ServerPublicKey\":\"" + hub.pubB64() + "\",\"ServerEndpoint\":\"127.0.0.1:"
                + port
                + "\",\"Address\":[\"" + c.address() + "/24\"]}";
    }
}
