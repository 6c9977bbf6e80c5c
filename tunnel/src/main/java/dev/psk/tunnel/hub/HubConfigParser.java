package dev.psk.tunnel.hub;

import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Parses and validates hub and client configurations (JSON, keys and PSKs base64, field names as
 * in docs/hub.md). Validation is complete before anything runs: lengths of keys and PSKs, key
 * pairs that match, CIDR syntax, unknown and missing fields, duplicate names and keys, and
 * AllowedIPs overlapping between clients unless both entries set {@code AllowOverlap}. Every error
 * names the field, and the client, and what was expected; no secret value is ever echoed.
 *
 * <p>Thread-safety: stateless.
 */
public final class HubConfigParser {
    public static final int MAX_CONFIG_BYTES = 4 << 20;
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9._-]{1,15}");

    private static final Set<String> SERVER_FIELDS = Set.of(
            "ServerX25519PrivateKey",
            "ServerX25519PublicKey",
            "ListenAddress",
            "ListenPort",
            "Interface",
            "Address",
            "Mtu",
            "MetricsPort",
            "ClientToClient",
            "AllowedClients");
    private static final Set<String> CLIENT_ENTRY_FIELDS =
            Set.of("Name", "ClientPublicKey", "AllowedIPs", "ClientPSK", "Enabled", "AllowOverlap", "IdentityPin");
    private static final Set<String> CLIENT_FIELDS = Set.of(
            "Name",
            "ClientX25519PrivateKey",
            "ClientX25519PublicKey",
            "ClientPSK",
            "ServerPublicKey",
            "ServerEndpoint",
            "Address",
            "Routes",
            "Interface",
            "Mtu",
            "PersistentKeepalive");

    private HubConfigParser() {}

    public static HubConfig readServer(Path file) throws ConfigException {
        return parseServer(read(file), file.toString());
    }

    public static ClientConfig readClient(Path file) throws ConfigException {
        return parseClient(read(file), file.toString());
    }

    /** Reads a configuration file after {@link ConfigFileSafety#check}: one only its owner can change. */
    private static String read(Path file) throws ConfigException {
        ConfigFileSafety.check(file);
        try {
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                throw new ConfigException(file + ": larger than " + MAX_CONFIG_BYTES + " bytes");
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + dev.psk.common.IoErrors.reason(e), e);
        }
    }

    public static HubConfig parseServer(String json, String source) throws ConfigException {
        ConfigText text = ConfigText.parse(json, source);
        JsonNode root = text.root;
        Fields f = new Fields(source, text, "", "", root, SERVER_FIELDS);
        byte[] priv = f.key("ServerX25519PrivateKey", true);
        byte[] pub = derivePublic(f, priv, "ServerX25519PrivateKey");
        byte[] givenPub = f.key("ServerX25519PublicKey", false);
        if (givenPub != null && !java.util.Arrays.equals(givenPub, pub)) {
            throw f.error(
                    "ServerX25519PublicKey",
                    "does not match ServerX25519PrivateKey (expected the key derived from it)");
        }
        String listen = f.text("ListenAddress", false, "0.0.0.0");
        int port = f.integer("ListenPort", true, 0, 1, 65535);
        String ifname = f.ifname("Interface", "pskh0");
        List<Cidr> addresses = f.cidrs("Address", false, true);
        int mtu = f.integer("Mtu", false, HubWire.DEFAULT_MTU, 576, HubWire.MAX_INNER_BYTES);
        int metrics = f.integer("MetricsPort", false, 0, 0, 65535);
        boolean c2c = f.bool("ClientToClient", true);
        JsonNode list = root.get("AllowedClients");
        if (list == null || list.isNull()) {
            throw f.error("AllowedClients", "is missing: expected a list of clients (it may be empty)");
        }
        if (!list.isArray()) {
            throw f.error("AllowedClients", "expected a JSON array of client objects");
        }
        List<AllowedClient> clients = new ArrayList<>();
        Map<String, String> byKey = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String where = "AllowedClients[" + i + "]";
            if (!n.isObject()) {
                throw f.error("AllowedClients[" + i + "]", "expected a client object");
            }
            JsonNode nameNode = n.get("Name");
            if (nameNode != null && nameNode.isString()) {
                where += " (" + nameNode.asString() + ")";
            }
            Fields c = new Fields(source, text, "/AllowedClients/" + i, where + ".", n, CLIENT_ENTRY_FIELDS);
            String name = c.name("Name");
            byte[] cpub = c.key("ClientPublicKey", true);
            checkPublic(c, "ClientPublicKey", cpub);
            if (java.util.Arrays.equals(cpub, pub)) {
                throw c.error("ClientPublicKey", "is the hub's own public key: expected the client's key");
            }
            List<Cidr> ips = c.cidrs("AllowedIPs", true, false);
            if (ips.isEmpty()) {
                throw c.error("AllowedIPs", "is empty: expected at least one CIDR such as 10.77.0.2/32");
            }
            byte[] psk = c.key("ClientPSK", true);
            boolean enabled = c.bool("Enabled", true);
            boolean overlap = c.bool("AllowOverlap", false);
            byte[] pin = c.base64("IdentityPin", false, 16, 1024);
            if (!names.add(name)) {
                throw c.error("Name", "'" + name + "' is used twice: expected unique client names");
            }
            String keyB64 = Base64.getEncoder().encodeToString(cpub);
            String prev = byKey.put(keyB64, name);
            if (prev != null) {
                throw c.error(
                        "ClientPublicKey", "is also the key of client '" + prev + "': expected one entry per key");
            }
            if (pin != null) {
                try {
                    IdentityProof.pinnedKey(pin);
                } catch (dev.psk.identity.IdentityException e) {
                    throw c.error(
                            "IdentityPin",
                            "expected the base64 SubjectPublicKeyInfo of an EC P-256 key (" + e.getMessage() + ")");
                }
            }
            clients.add(new AllowedClient(name, cpub, ips, psk, enabled, overlap, pin));
            java.util.Arrays.fill(psk, (byte) 0);
        }
        checkOverlaps(source, text, clients);
        HubConfig cfg = new HubConfig(priv, pub, listen, port, ifname, addresses, mtu, metrics, c2c, clients);
        java.util.Arrays.fill(priv, (byte) 0);
        return cfg;
    }

    private static void checkOverlaps(String source, ConfigText text, List<AllowedClient> clients)
            throws ConfigException {
        for (int i = 0; i < clients.size(); i++) {
            for (int j = i + 1; j < clients.size(); j++) {
                AllowedClient a = clients.get(i);
                AllowedClient b = clients.get(j);
                if (a.allowOverlap() && b.allowOverlap()) {
                    continue;
                }
                for (Cidr x : a.allowedIps()) {
                    for (Cidr y : b.allowedIps()) {
                        if (x.overlaps(y)) {
                            throw new ConfigException(source + ": line "
                                    + text.line("/AllowedClients/" + j + "/AllowedIPs") + ": AllowedClients ("
                                    + a.name() + ").AllowedIPs " + x
                                    + " overlaps (" + b.name() + ").AllowedIPs " + y
                                    + ": expected disjoint prefixes, or AllowOverlap: true on both clients");
                        }
                    }
                }
            }
        }
    }

    public static ClientConfig parseClient(String json, String source) throws ConfigException {
        ConfigText text = ConfigText.parse(json, source);
        JsonNode root = text.root;
        Fields f = new Fields(source, text, "", "", root, CLIENT_FIELDS);
        String name = f.name("Name");
        byte[] priv = f.key("ClientX25519PrivateKey", true);
        byte[] pub = derivePublic(f, priv, "ClientX25519PrivateKey");
        byte[] givenPub = f.key("ClientX25519PublicKey", false);
        if (givenPub != null && !java.util.Arrays.equals(givenPub, pub)) {
            throw f.error(
                    "ClientX25519PublicKey",
                    "does not match ClientX25519PrivateKey (expected the key derived from it)");
        }
        byte[] psk = f.key("ClientPSK", true);
        byte[] server = f.key("ServerPublicKey", true);
        checkPublic(f, "ServerPublicKey", server);
        String endpoint = f.text("ServerEndpoint", true, null);
        HostPort hostPort;
        try {
            hostPort = HostPort.parse(endpoint);
        } catch (IllegalArgumentException e) {
            throw f.error("ServerEndpoint", e.getMessage());
        }
        String host = hostPort.host();
        int port = hostPort.port();
        List<Cidr> addresses = f.cidrs("Address", true, true);
        if (addresses.isEmpty()) {
            throw f.error("Address", "is empty: expected the client's tunnel address such as 10.77.0.2/24");
        }
        List<Cidr> routes = f.cidrs("Routes", false, false);
        String ifname = f.ifname("Interface", "pskc0");
        int mtu = f.integer("Mtu", false, HubWire.DEFAULT_MTU, 576, HubWire.MAX_INNER_BYTES);
        int keepalive = f.integer("PersistentKeepalive", false, 0, 0, 3600);
        ClientConfig cfg =
                new ClientConfig(name, priv, pub, psk, server, host, port, addresses, routes, ifname, mtu, keepalive);
        java.util.Arrays.fill(priv, (byte) 0);
        java.util.Arrays.fill(psk, (byte) 0);
        return cfg;
    }

    private static byte[] derivePublic(Fields f, byte[] priv, String field) throws ConfigException {
        try (X25519PrivateKey k = X25519PrivateKey.copyOf(priv)) {
            return X25519.publicKey(k).bytes();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw f.error(field, "is not a usable X25519 private key");
        }
    }

    private static void checkPublic(Fields f, String field, byte[] key) throws ConfigException {
        // A low-order public key makes every DH with it zero; X25519 would refuse each handshake,
        // so refuse the configuration instead (a table lookup: no scalar multiplication per client).
        if (LowOrderPoints.contains(key)) {
            throw f.error(field, "is a low-order X25519 point: expected a real public key");
        }
    }

    /** Field access with path-qualified, secret-free errors. */
    private static final class Fields {
        private final String source;
        private final ConfigText text;
        private final String pointer;
        private final String prefix;
        private final JsonNode node;

        /**
         * @param pointer where {@code node} is in the document ("" or "/AllowedClients/3"), for line numbers
         * @param prefix how errors name it ("" or "AllowedClients[3] (alice).")
         */
        Fields(String source, ConfigText text, String pointer, String prefix, JsonNode node, Set<String> allowed)
                throws ConfigException {
            this.source = source;
            this.text = text;
            this.pointer = pointer;
            this.prefix = prefix;
            this.node = node;
            for (String k : node.propertyNames()) {
                if (!allowed.contains(k)) {
                    throw error(k, "unknown field (expected one of " + new java.util.TreeSet<>(allowed) + ")");
                }
            }
        }

        /** An error naming the file, the line, the field (with its client) and what was expected. */
        ConfigException error(String field, String what) {
            int open = field.indexOf('[');
            int close = field.indexOf(']');
            String member = open < 0 || close < open
                    ? field
                    : field.substring(0, open) + "/" + field.substring(open + 1, close);
            int line = text.line(pointer + "/" + member);
            return new ConfigException(
                    source + ": " + (line > 0 ? "line " + line + ": " : "") + prefix + field + ": " + what);
        }

        private JsonNode get(String field, boolean required) throws ConfigException {
            JsonNode n = node.get(field);
            if (n == null || n.isNull()) {
                if (required) {
                    throw error(field, "is missing");
                }
                return null;
            }
            return n;
        }

        String text(String field, boolean required, String dflt) throws ConfigException {
            JsonNode n = get(field, required);
            if (n == null) {
                return dflt;
            }
            if (!n.isString() || n.asString().isBlank()) {
                throw error(field, "expected a non-empty string");
            }
            return n.asString().strip();
        }

        String name(String field) throws ConfigException {
            String s = text(field, true, null);
            if (!NAME.matcher(s).matches()) {
                throw error(field, "expected 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit");
            }
            return s;
        }

        String ifname(String field, String dflt) throws ConfigException {
            String s = text(field, false, dflt);
            if (!IFNAME.matcher(s).matches()) {
                throw error(field, "expected an interface name of 1-15 letters, digits, '.', '_' or '-'");
            }
            return s;
        }

        int integer(String field, boolean required, int dflt, int min, int max) throws ConfigException {
            JsonNode n = get(field, required);
            if (n == null) {
                return dflt;
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
                throw error(field, "expected an integer " + min + ".." + max);
            }
            return n.asInt();
        }

        boolean bool(String field, boolean dflt) throws ConfigException {
            JsonNode n = get(field, false);
            if (n == null) {
                return dflt;
            }
            if (!n.isBoolean()) {
                throw error(field, "expected true or false");
            }
            return n.asBoolean();
        }

        byte[] base64(String field, boolean required, int minBytes, int maxBytes) throws ConfigException {
            JsonNode n = get(field, required);
            if (n == null) {
                return null;
            }
            if (!n.isString()) {
                throw error(field, "expected a base64 string");
            }
            byte[] b;
            try {
                b = Base64.getDecoder().decode(n.asString().strip());
            } catch (IllegalArgumentException e) {
                throw error(field, "is not valid base64 (standard alphabet, with padding)");
            }
            if (b.length < minBytes || b.length > maxBytes) {
                java.util.Arrays.fill(b, (byte) 0);
                throw error(
                        field,
                        minBytes == maxBytes
                                ? "expected " + minBytes + " bytes (base64 of 44 characters), got " + b.length
                                        + " bytes"
                                : "expected " + minBytes + ".." + maxBytes + " bytes, got " + b.length);
            }
            return b;
        }

        byte[] key(String field, boolean required) throws ConfigException {
            return base64(field, required, 32, 32);
        }

        List<Cidr> cidrs(String field, boolean required, boolean hostBitsAllowed) throws ConfigException {
            JsonNode n = get(field, required);
            List<Cidr> out = new ArrayList<>();
            if (n == null) {
                return out;
            }
            if (!n.isArray()) {
                throw error(field, "expected a list of CIDR strings such as [\"10.77.0.2/32\"]");
            }
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                if (!e.isString()) {
                    throw error(field + "[" + i + "]", "expected a CIDR string");
                }
                try {
                    out.add(hostBitsAllowed ? Cidr.parseInterface(e.asString()) : Cidr.parse(e.asString()));
                } catch (IllegalArgumentException ex) {
                    throw error(field + "[" + i + "]", ex.getMessage());
                }
            }
            return out;
        }
    }
}
