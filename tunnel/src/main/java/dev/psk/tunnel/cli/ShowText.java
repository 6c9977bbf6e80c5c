package dev.psk.tunnel.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The human form of {@code psk-tunnel show}, laid out like {@code wg show}: one block per interface,
 * then one per peer. Reads the status document leniently: a field of the wrong type prints as "?" or
 * 0 and never throws (Jackson 3's accessors without a default do, on a value they cannot coerce).
 */
final class ShowText {
    private ShowText() {}

    static void print(PrintWriter out, JsonNode n, ShowState state, Instant now) {
        out.println("interface: " + n.path("interface").asString("?"));
        out.println("  state: " + state.describe(n));
        out.println("  role: " + n.path("role").asString("?"));
        out.println("  listening port: " + n.path("listen_port").asInt(0));
        String mode = n.path("handshake_mode").asString("");
        if (!mode.isEmpty()) {
            out.println("  handshake: " + mode);
        }
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
        out.println("  device drops: " + drops(n.path("device_drops")));
        boolean handshakes = !mode.equals("off"); // hub documents have no mode: they always handshake
        for (JsonNode p : n.path("peers")) {
            out.println();
            String fp = p.path("fingerprint").asString("");
            String identity = fp.isEmpty() ? "" : (pad.isObject() ? " (identity " + fp + ")" : " (" + fp + ")");
            out.println("peer: " + p.path("name").asString("?") + identity);
            out.println("  endpoint: " + p.path("endpoint").asString("(none)")
                    + (p.path("data_allowed").asBoolean(true) ? "" : " (data gated)"));
            JsonNode ips = p.path("allowed_ips");
            if (ips.isArray() && !ips.isEmpty()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode ip : ips) {
                    sb.append(sb.isEmpty() ? "" : ", ").append(ip.asString("?"));
                }
                out.println("  allowed ips: " + sb);
            }
            if (handshakes) {
                out.println("  latest handshake: " + ago(p.path("latest_handshake"), now));
            }
            out.println("  last packet received: " + ago(p.path("last_packet"), now));
            out.println("  transfer: " + StatsReporter.bytes(p.path("rx_bytes").asLong(0)) + " received, "
                    + StatsReporter.bytes(p.path("tx_bytes").asLong(0)) + " sent");
            out.println("  packets: " + p.path("rx_packets").asLong(0) + " received, "
                    + p.path("tx_packets").asLong(0) + " sent");
            out.println("  drops: " + drops(p.path("drops")));
        }
    }

    /** "1 minute, 12 seconds ago" as {@code wg show} says it, "now", or "never" when absent. */
    static String ago(JsonNode when, Instant now) {
        if (!when.isString()) {
            return "never";
        }
        try {
            return ago(Instant.parse(when.asString()), now);
        } catch (DateTimeParseException e) {
            return when.asString();
        }
    }

    static String ago(Instant t, Instant now) {
        long s = Math.max(0, Duration.between(t, now).toSeconds());
        if (s == 0) {
            return "now";
        }
        long[] sizes = {365L * 86400, 86400, 3600, 60, 1};
        String[] units = {"year", "day", "hour", "minute", "second"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            long v = s / sizes[i];
            s %= sizes[i];
            if (v > 0) {
                sb.append(sb.isEmpty() ? "" : ", ")
                        .append(v)
                        .append(' ')
                        .append(units[i])
                        .append(v == 1 ? "" : "s");
            }
        }
        return sb + " ago";
    }

    /** "aead 3, replay 1" in the order of the document, or "none". */
    static String drops(JsonNode drops) {
        if (!drops.isObject() || drops.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, JsonNode> e : drops.properties()) {
            sb.append(sb.isEmpty() ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(e.getValue().asLong(0));
        }
        return sb.toString();
    }
}
