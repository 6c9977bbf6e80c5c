package dev.psk.tunnel.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.StringJoiner;
import tools.jackson.databind.JsonNode;

/**
 * {@code psk-tunnel show dump}: tab-separated, one line per interface and one per peer, for
 * scripts (as {@code wg show all dump}). Every line starts with the interface name and the line's
 * kind, so lines of several interfaces can be told apart and new columns are only ever appended.
 * Empty values are "(none)"; times are Unix seconds, 0 for never. Columns: docs/deployment.md,
 * "psk-tunnel show".
 */
final class ShowDump {
    static final String NONE = "(none)";

    private ShowDump() {}

    static void print(PrintWriter out, JsonNode n, ShowState state) {
        String iface = field(n.path("interface").asString(""));
        JsonNode pad = n.path("pad");
        out.println(String.join(
                "\t",
                iface,
                "interface",
                state.of(n).word,
                Long.toString(n.path("pid").asLong(0)),
                field(n.path("role").asString("")),
                Integer.toString(n.path("listen_port").asInt(0)),
                Integer.toString(n.path("mtu").asInt(0)),
                field(n.path("handshake_mode").asString("")),
                pad.isObject() ? Long.toString(pad.path("tx_packets_remaining").asLong(0)) : NONE,
                Long.toString(seconds(n.path("updated"))),
                drops(n.path("device_drops"))));
        for (JsonNode p : n.path("peers")) {
            StringJoiner ips = new StringJoiner(",");
            for (JsonNode ip : p.path("allowed_ips")) {
                ips.add(ip.asString("?"));
            }
            long total = 0;
            for (Map.Entry<String, JsonNode> e : p.path("drops").properties()) {
                total += e.getValue().asLong(0);
            }
            out.println(String.join(
                    "\t",
                    iface,
                    "peer",
                    field(p.path("name").asString("")),
                    field(p.path("fingerprint").asString("")),
                    field(p.path("endpoint").asString("")),
                    ips.length() == 0 ? NONE : ips.toString(),
                    Long.toString(seconds(p.path("latest_handshake"))),
                    Long.toString(seconds(p.path("last_packet"))),
                    Long.toString(p.path("rx_bytes").asLong(0)),
                    Long.toString(p.path("tx_bytes").asLong(0)),
                    Long.toString(p.path("rx_packets").asLong(0)),
                    Long.toString(p.path("tx_packets").asLong(0)),
                    Long.toString(total),
                    drops(p.path("drops"))));
        }
    }

    /** A value for one column: tabs and line breaks (never written by the daemons) become spaces. */
    private static String field(String v) {
        return v.isEmpty() ? NONE : v.replaceAll("[\\t\\r\\n]", " ");
    }

    private static long seconds(JsonNode when) {
        Instant t = ShowState.instant(when);
        return t == null ? 0 : t.getEpochSecond();
    }

    /** "reason=count,reason=count" or "(none)". */
    private static String drops(JsonNode drops) {
        StringJoiner sj = new StringJoiner(",");
        if (drops.isObject()) {
            for (Map.Entry<String, JsonNode> e : drops.properties()) {
                sj.add(field(e.getKey()) + "=" + e.getValue().asLong(0));
            }
        }
        return sj.length() == 0 ? NONE : sj.toString();
    }
}
