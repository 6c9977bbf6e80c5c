package dev.psk.provision.hub;

import dev.psk.common.AtomicFiles;
import dev.psk.provision.ProvisionException;
import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.hub.AllowedClient;
import dev.psk.tunnel.hub.Cidr;
import dev.psk.tunnel.hub.ConfigException;
import dev.psk.tunnel.hub.HubConfig;
import dev.psk.tunnel.hub.HubConfigParser;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Edits hub configurations for {@code psk-provision hub}: creates the hub's file, enrols a client
 * (fresh X25519 key pair and PSK, client file written first, then the hub's entry), revokes one.
 * Every write is crash-safe ({@link AtomicFiles}, mode 0600), every edit holds an exclusive lock on
 * a sibling {@code .lock} file so two concurrent edits cannot lose each other's change, and every
 * new hub file is validated by {@link HubConfigParser} before it replaces the old one: a running
 * hub (which reloads on change) never sees an invalid or half-written file.
 */
public final class HubEnrolment {
    private static final JsonMapper MAPPER =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final SecureRandom RANDOM = new SecureRandom();

    private HubEnrolment() {}

    /** The result of {@link #addClient}: what an operator needs to hand over (no secret). */
    public record Enrolled(String name, String fingerprint, List<Cidr> allowedIps, Path clientFile) {}

    /** Writes a new hub configuration with a fresh key pair and no clients; refuses to overwrite. */
    public static String init(Path hubFile, String listenAddress, int listenPort, String address, String iface)
            throws ProvisionException {
        byte[] priv = newPrivateKey();
        try {
            ObjectNode root = MAPPER.createObjectNode();
            root.put("ServerX25519PrivateKey", b64(priv));
            root.put("ServerX25519PublicKey", b64(publicOf(priv)));
            root.put("ListenAddress", listenAddress);
            root.put("ListenPort", listenPort);
            root.put("Interface", iface);
            root.putArray("Address").add(address);
            root.putArray("AllowedClients");
            HubConfig cfg = validate(root, hubFile);
            write(hubFile, root, false);
            return cfg.fingerprint();
        } finally {
            Arrays.fill(priv, (byte) 0);
        }
    }

    /**
     * Enrols client {@code name}: writes its configuration to {@code clientFile} (refusing to
     * overwrite), then adds its entry to the hub file. When the hub edit fails, the client file is
     * removed again.
     *
     * @param endpoint the HOST:PORT clients dial
     */
    @SuppressWarnings("try") // resources held for their lifetime, closed by try
    public static Enrolled addClient(Path hubFile, String name, List<Cidr> allowedIps, Path clientFile, String endpoint)
            throws ProvisionException {
        if (!HubConfigParser.NAME.matcher(name).matches()) {
            throw new ProvisionException("client name '" + name + "': expected 1-64 letters, digits, '.', '_' or '-'");
        }
        if (allowedIps.isEmpty()) {
            throw new ProvisionException("--allowed-ips: expected at least one CIDR");
        }
        try (FileLock lock = lock(hubFile)) {
            ObjectNode root = read(hubFile);
            HubConfig hub = validate(root, hubFile);
            for (AllowedClient c : hub.clients()) {
                if (c.name().equals(name)) {
                    throw new ProvisionException(
                            hubFile + ": a client named '" + name + "' exists already (revoke --remove it first)");
                }
            }
            byte[] priv = newPrivateKey();
            byte[] psk = new byte[32];
            RANDOM.nextBytes(psk);
            try {
                byte[] pub = publicOf(priv);
                ObjectNode entry = MAPPER.createObjectNode();
                entry.put("Name", name);
                entry.put("ClientPublicKey", b64(pub));
                ArrayNode ips = entry.putArray("AllowedIPs");
                allowedIps.forEach(c -> ips.add(c.toString()));
                entry.put("ClientPSK", b64(psk));
                entry.put("Enabled", true);
                ArrayNode clients = (ArrayNode) root.get("AllowedClients");
                clients.add(entry);
                validate(root, hubFile);

                ObjectNode client = MAPPER.createObjectNode();
                client.put("Name", name);
                client.put("ClientX25519PrivateKey", b64(priv));
                client.put("ClientX25519PublicKey", b64(pub));
                client.put("ClientPSK", b64(psk));
                client.put("ServerPublicKey", b64(hub.publicKey()));
                client.put("ServerEndpoint", endpoint);
                ArrayNode addr = client.putArray("Address");
                ArrayNode routes = client.putArray("Routes");
                Cidr first = allowedIps.getFirst();
                Cidr net = hub.addresses().isEmpty() ? null : hub.addresses().getFirst();
                if (net != null
                        && net.network().overlaps(first)
                        && first.prefixLength() == first.address().length * 8) {
                    addr.add(new Cidr(first.address(), net.prefixLength()).toString());
                    routes.add(net.network().toString());
                } else {
                    addr.add(first.toString());
                    hub.addresses().forEach(a -> routes.add(a.network().toString()));
                }
                if (routes.isEmpty()) {
                    // Always written: the client accepts inner sources from the hub only within these.
                    routes.add(first.network().toString());
                }
                client.put("Interface", "pskc0");
                try {
                    HubConfigParser.parseClient(MAPPER.writeValueAsString(client), clientFile.toString());
                } catch (ConfigException e) {
                    throw new ProvisionException("generated client configuration is invalid: " + e.getMessage(), e);
                }
                write(clientFile, client, false);
                try {
                    write(hubFile, root, true);
                } catch (ProvisionException | RuntimeException e) {
                    deleteQuietly(clientFile);
                    throw e;
                }
                return new Enrolled(name, AllowedClient.fingerprint(pub), List.copyOf(allowedIps), clientFile);
            } finally {
                Arrays.fill(priv, (byte) 0);
                Arrays.fill(psk, (byte) 0);
            }
        } catch (IOException e) {
            throw new ProvisionException(hubFile + ": cannot lock: " + dev.psk.common.IoErrors.reason(e), e);
        }
    }

    /** Disables client {@code name} ({@code remove}: deletes its entry). A running hub ends its sessions on reload. */
    @SuppressWarnings("try") // resources held for their lifetime, closed by try
    public static void revoke(Path hubFile, String name, boolean remove) throws ProvisionException {
        try (FileLock lock = lock(hubFile)) {
            ObjectNode root = read(hubFile);
            validate(root, hubFile);
            ArrayNode clients = (ArrayNode) root.get("AllowedClients");
            int found = -1;
            for (int i = 0; i < clients.size(); i++) {
                if (name.equals(clients.get(i).path("Name").asString(""))) {
                    found = i;
                }
            }
            if (found < 0) {
                throw new ProvisionException(hubFile + ": no client named '" + name + "'");
            }
            if (remove) {
                clients.remove(found);
            } else {
                ((ObjectNode) clients.get(found)).put("Enabled", false);
            }
            validate(root, hubFile);
            write(hubFile, root, true);
        } catch (IOException e) {
            throw new ProvisionException(hubFile + ": cannot lock: " + dev.psk.common.IoErrors.reason(e), e);
        }
    }

    /** The clients of a hub file, validated. */
    public static List<AllowedClient> list(Path hubFile) throws ProvisionException {
        try {
            return new ArrayList<>(HubConfigParser.readServer(hubFile).clients());
        } catch (ConfigException e) {
            throw new ProvisionException(e.getMessage(), e);
        }
    }

    private static FileLock lock(Path hubFile) throws IOException {
        Path lockFile = hubFile.toAbsolutePath().resolveSibling("." + hubFile.getFileName() + ".lock");
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return ch.lock();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static ObjectNode read(Path hubFile) throws ProvisionException {
        try {
            JsonNode n = MAPPER.readTree(Files.readString(hubFile));
            if (!(n instanceof ObjectNode o) || !(o.get("AllowedClients") instanceof ArrayNode)) {
                throw new ProvisionException(
                        hubFile + ": expected a hub configuration object with an AllowedClients list");
            }
            return o;
        } catch (IOException e) {
            throw new ProvisionException(hubFile + ": cannot read: " + dev.psk.common.IoErrors.reason(e), e);
        } catch (tools.jackson.core.JacksonException e) {
            throw new ProvisionException(hubFile + ": not valid JSON", e);
        }
    }

    private static HubConfig validate(ObjectNode root, Path file) throws ProvisionException {
        try {
            return HubConfigParser.parseServer(MAPPER.writeValueAsString(root), file.toString());
        } catch (ConfigException e) {
            throw new ProvisionException(e.getMessage(), e);
        }
    }

    private static void write(Path file, ObjectNode root, boolean overwrite) throws ProvisionException {
        byte[] bytes = (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFiles.write(file, AtomicFiles.OWNER_ONLY, overwrite, ch -> ch.write(java.nio.ByteBuffer.wrap(bytes)));
        } catch (FileAlreadyExistsException e) {
            throw new ProvisionException(file + ": exists already; refusing to overwrite");
        } catch (IOException e) {
            throw new ProvisionException(file + ": cannot write: " + dev.psk.common.IoErrors.reason(e), e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort: the error being reported matters more
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] newPrivateKey() {
        try (X25519PrivateKey k = X25519.generatePrivateKey()) {
            return k.secret().copy();
        }
    }

    private static byte[] publicOf(byte[] privateKey) {
        try (X25519PrivateKey k = X25519PrivateKey.copyOf(privateKey)) {
            return X25519.publicKey(k).bytes();
        }
    }
}
