package dev.psk.tunnel.cli;

import dev.psk.common.PskException;
import dev.psk.common.cli.ExitCodes;
import dev.psk.common.cli.VerboseOption;
import dev.psk.tunnel.cli.status.StatusDirectory;
import dev.psk.tunnel.cli.status.StatusFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code psk-tunnel show [NAME...]}: the status of running tunnels, like {@code wg show}. */
@Command(
        name = "show",
        description = {
            "Show running tunnels, like wg show.",
            "Per tunnel: peer, endpoints, traffic, drops by reason, pad slots used and remaining."
        },
        footer = {"", "Examples:", "  psk-tunnel show", "  psk-tunnel show tun0 --json"})
public final class ShowCommand implements Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Parameters(arity = "0..*", paramLabel = "NAME", description = "Interface names (default: every running tunnel).")
    List<String> names = new ArrayList<>();

    @Option(names = "--status-file", paramLabel = "FILE", description = "Read this status file instead.")
    Path statusFile;

    @Option(
            names = "--status-dir",
            defaultValue = StatusFile.DEFAULT_DIR,
            paramLabel = "DIR",
            description = "Where running tunnels write their status (default: ${DEFAULT-VALUE}).")
    Path statusDir;

    @Option(names = "--json", description = "Print the raw status documents.")
    boolean json;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Path> files = new ArrayList<>();
        if (statusFile != null) {
            files.add(statusFile);
        } else if (!names.isEmpty()) {
            for (String n : names) {
                files.add(StatusDirectory.find(statusDir, n));
            }
        } else if (Files.isDirectory(statusDir)) {
            files.addAll(StatusDirectory.list(statusDir));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (files.isEmpty()) {
            out.println("no running tunnel (no status file in " + statusDir + ")");
            out.flush();
            return ExitCodes.FAILURE;
        }
        files.sort(null);
        boolean first = true;
        for (Path f : files) {
            JsonNode n = read(f);
            if (!first) {
                out.println();
            }
            first = false;
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
            } else {
                print(out, n);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static JsonNode read(Path f) throws PskException {
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(f));
            if (n == null || !StatusFile.FORMAT.equals(n.path("format").asString(""))) {
                throw new PskException(
                        "status file " + f + " is not a psk-tunnel status (format " + StatusFile.FORMAT + ")");
            }
            return n;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PskException("no status file " + f + ": is the tunnel running (with this --status-file)?");
        } catch (IOException | JacksonException e) {
            throw new PskException("cannot read status file " + f + ": " + e.getMessage());
        }
    }

    // A field of the wrong type prints as "?" or 0: the lenient accessors never throw (Jackson 3's
    // asString()/asLong() without a default do, on any value they cannot coerce).
    static void print(PrintWriter out, JsonNode n) {
        long pid = n.path("pid").asLong(0);
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        out.println("interface: " + n.path("interface").asString("?"));
        out.println("  pid: " + pid
                + (alive
                        ? ""
                        : " (NOT RUNNING: stale status from "
                                + n.path("updated").asString("?") + ")"));
        out.println("  role: " + n.path("role").asString("?"));
        out.println("  listening port: " + n.path("listen_port").asInt(0));
        out.println(
                "  mtu: " + n.path("mtu").asInt(0) + ", aead: " + n.path("aead").asString("?"));
        out.println("  started: " + n.path("started").asString("?") + ", updated: "
                + n.path("updated").asString("?"));
        JsonNode pad = n.path("pad");
        if (pad.isObject()) { // point-to-point only: a hub's keys come from Noise handshakes, not a pad
            out.println("  pad: " + pad.path("file").asString("?") + " (fingerprint "
                    + pad.path("fingerprint").asString("?") + ")");
            out.println("    slots: " + pad.path("tx_slots_used").asLong(0) + " used, "
                    + pad.path("tx_slots_remaining").asLong(0)
                    + " remaining of " + pad.path("data_slots").asLong(0) + " (est. "
                    + pad.path("tx_packets_remaining").asLong(0)
                    + " packets), " + pad.path("erased_slots").asLong(0) + " erased"
                    + (pad.path("erasable").asBoolean(true) ? "" : " (read-only pad)"));
            out.println("    state: " + pad.path("state_file").asString("?") + ", next tx seq "
                    + pad.path("tx_next_seq").asLong(0) + ", highest rx seq "
                    + pad.path("rx_highest_seq").asLong(0));
        }
        printDrops(out, "  device drops: ", n.path("device_drops"));
        for (JsonNode p : n.path("peers")) {
            out.println();
            out.println("peer: " + p.path("name").asString("?")
                    + (p.has("fingerprint") ? " (" + p.path("fingerprint").asString("?") + ")" : ""));
            if (p.has("latest_handshake")) {
                out.println("  latest handshake: " + ago(p.path("latest_handshake"), n.path("updated")));
                out.println("  last packet: " + ago(p.path("last_packet"), n.path("updated")));
            }
            out.println("  endpoint: " + p.path("endpoint").asString("(none)")
                    + (p.path("data_allowed").asBoolean(true) ? "" : " (data gated)"));
            out.println("  transfer: " + StatsReporter.bytes(p.path("rx_bytes").asLong(0)) + " received, "
                    + StatsReporter.bytes(p.path("tx_bytes").asLong(0)) + " sent");
            out.println("  packets: " + p.path("rx_packets").asLong(0) + " received, "
                    + p.path("tx_packets").asLong(0) + " sent");
            printDrops(out, "  drops: ", p.path("drops"));
        }
    }

    /** "12 s ago (2026-12-02T07:40:01Z)" relative to the status file's own time, or "never". */
    private static String ago(JsonNode when, JsonNode updated) {
        if (!when.isString()) {
            return "never";
        }
        try {
            java.time.Instant t = java.time.Instant.parse(when.asString());
            java.time.Instant now = updated.isString() ? java.time.Instant.parse(updated.asString()) : t;
            long s = Math.max(0, java.time.Duration.between(t, now).toSeconds());
            return s + " s ago (" + when.asString() + ")";
        } catch (java.time.format.DateTimeParseException e) {
            return when.asString();
        }
    }

    private static void printDrops(PrintWriter out, String prefix, JsonNode drops) {
        if (drops.isObject() && !drops.isEmpty()) {
            StringBuilder sb = new StringBuilder(prefix);
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : drops.properties()) {
                sb.append(first ? "" : ", ")
                        .append(e.getKey())
                        .append(' ')
                        .append(e.getValue().asLong(0));
                first = false;
            }
            out.println(sb);
        } else {
            out.println(prefix + "none");
        }
    }
}
