package dev.psk.tunnel.cli.status;

import dev.psk.common.cli.VersionProvider;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.TrafficCounters;
import dev.psk.tunnel.session.PadStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The running tunnel's status, rewritten every second (exclusive temp file + rename, see
 * {@link #write}) for {@code psk-tunnel show}. Holds counters and public
 * facts only, never key material.
 */
public final class StatusFile {
    public static final String DEFAULT_DIR = "/run/psk-tunnel";
    public static final String FORMAT = "psk-tunnel-status/1";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final FileAttribute<Set<PosixFilePermission>> WORLD_READABLE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

    private StatusFile() {}

    public static Path defaultPath(String tun) {
        return Path.of(DEFAULT_DIR, tun + ".json");
    }

    /**
     * The status document of a running point-to-point tunnel: the device's part, the handshake mode
     * ("off" without one) and the pad.
     */
    public static ObjectNode document(
            Device device,
            String role,
            int listenPort,
            PadStatus pad,
            String padPath,
            String fingerprint,
            String stateFile,
            Instant started,
            String handshakeMode,
            PeerFacts.Source facts) {
        ObjectNode n = document(device, role, listenPort, started, facts);
        n.put("handshake_mode", handshakeMode);
        ObjectNode padNode = n.putObject("pad");
        padNode.put("file", padPath);
        padNode.put("fingerprint", fingerprint);
        padNode.put("state_file", stateFile);
        padNode.put("data_slots", pad.dataSlots());
        padNode.put("tx_next_seq", pad.txNext());
        padNode.put("tx_slots_used", pad.txSlotsUsed());
        padNode.put("tx_slots_remaining", pad.txSlotsRemaining());
        padNode.put("tx_packets_remaining", pad.txPacketsRemaining());
        padNode.put("rx_highest_seq", pad.rxHighest());
        padNode.put("erased_slots", pad.erasedSlots());
        padNode.put("erasable", pad.padWritable());
        return n;
    }

    /**
     * The status document of a running device without a pad (hub server and client).
     *
     * <p>Fields are only ever added (readers ignore unknown ones; {@link #FORMAT} changes only if a
     * field changes meaning). Added since the first version: {@code state} ("running" while the
     * daemon writes the file; a daemon that keeps the file at its stop may write "stopped"),
     * {@code version}, {@code handshake_mode}, and per peer {@code fingerprint},
     * {@code latest_handshake}, {@code last_packet} (ISO-8601 instants or null) and
     * {@code allowed_ips}.
     */
    public static ObjectNode document(
            Device device, String role, int listenPort, Instant started, PeerFacts.Source facts) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("interface", device.tun().name());
        n.put("state", "running");
        n.put("pid", ProcessHandle.current().pid());
        n.put("version", VersionProvider.VERSION);
        n.put("role", role);
        n.put("listen_port", listenPort);
        n.put("mtu", device.tun().mtu());
        n.put("aead", device.aeadName());
        n.put("started", started.toString());
        n.put("updated", Instant.now().toString());
        ObjectNode devDrops = n.putObject("device_drops");
        device.counters().dropSnapshot().forEach((r, c) -> devDrops.put(r.label(), c));
        var peers = n.putArray("peers");
        for (Peer p : device.peers().peers()) {
            ObjectNode o = peers.addObject();
            PeerFacts f = facts.of(p);
            o.put("name", f.name());
            if (f.fingerprint() != null) {
                o.put("fingerprint", f.fingerprint());
            }
            o.put(
                    "latest_handshake",
                    f.latestHandshake() == null ? null : f.latestHandshake().toString());
            o.put(
                    "last_packet",
                    f.lastReceive() == null ? null : f.lastReceive().toString());
            if (!f.allowedIps().isEmpty()) {
                var ips = o.putArray("allowed_ips");
                f.allowedIps().forEach(ips::add);
            }
            o.put(
                    "endpoint",
                    p.endpoint() == null
                            ? null
                            : p.endpoint().getAddress().getHostAddress() + ":"
                                    + p.endpoint().getPort());
            o.put("data_allowed", p.dataAllowed());
            TrafficCounters c = p.counters();
            o.put("tx_packets", c.txPackets());
            o.put("tx_bytes", c.txBytes());
            o.put("rx_packets", c.rxPackets());
            o.put("rx_bytes", c.rxBytes());
            ObjectNode d = o.putObject("drops");
            for (DropReason r : DropReason.values()) {
                long v = c.drops(r);
                if (v != 0) {
                    d.put(r.label(), v);
                }
            }
        }
        return n;
    }

    /**
     * Replaces {@code file} with {@code doc} (world-readable: counters only): a temporary file with
     * a random name, created with O_EXCL so a planted symlink is never followed, renamed over the
     * target (a link there is replaced, not written through). No fsync: the file lives in /run and
     * is worthless after a reboot. The directory must not be writable by anyone but its owner, and be owned by this
     * user or root: otherwise another user could swap the file or its temporary under the writer.
     *
     * @throws IOException also when the directory is refused, naming it and why
     */
    static void write(Path file, ObjectNode doc) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        checkDirectory(dir);
        byte[] json =
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc).getBytes(StandardCharsets.UTF_8);
        // createTempFile: a random name, opened with CREATE_NEW (O_EXCL), so never through a link.
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp", WORLD_READABLE);
        boolean moved = false;
        try {
            Files.write(tmp, json);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void checkDirectory(Path dir) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
        Set<PosixFilePermission> p = a.permissions();
        if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("directory " + dir + " is writable by group or others ("
                    + PosixFilePermissions.toString(p) + "): refusing to write a status file there");
        }
        String owner = a.owner().getName();
        if (!owner.equals("root") && !owner.equals(System.getProperty("user.name"))) {
            throw new IOException(
                    "directory " + dir + " belongs to " + owner + ": refusing to write a status file there");
        }
    }
}
