package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.cli.status.StatusFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code psk-tunnel show} on status files written here: text like {@code wg show}, one JSON value,
 * the tab-separated dump, and the exit status (issue #15: no tunnels is 0 and silent; a missing or
 * dead named tunnel is 1).
 */
class ShowCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final long LIVE = 4100, DEAD = 4200, REUSED = 4300;

    @TempDir
    Path dir;

    /** pid 4100 runs since long ago, 4200 is gone, 4300 runs but started after its file was written. */
    private static final ShowState STATE = new ShowState(pid -> switch ((int) pid) {
        case (int) LIVE -> Optional.of(Optional.of(NOW.minusSeconds(86_400)));
        case (int) REUSED -> Optional.of(Optional.of(NOW.minusSeconds(30)));
        default -> Optional.empty();
    });

    record Run(int code, String out, String err) {}

    private Run show(String... args) {
        ShowCommand cmd = new ShowCommand();
        cmd.state = STATE;
        cmd.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        CommandLine cl = dev.psk.common.cli.CliRunner.commandLine(cmd);
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = java.util.Arrays.copyOf(new String[] {"--status-dir", dir.toString()}, 2 + args.length);
        System.arraycopy(args, 0, all, 2, args.length);
        return new Run(cl.execute(all), out.toString(), err.toString());
    }

    private static String at(long secondsAgo) {
        return NOW.minusSeconds(secondsAgo).toString();
    }

    /** A point-to-point end with a signed handshake and a pinned peer named "site-b". */
    private Path p2p(String iface, long pid) throws Exception {
        String json = """
                {"format": "%s", "interface": "%s", "state": "running", "pid": %d, "version": "0.1.0",
                 "role": "initiator", "listen_port": 5555, "mtu": 1420, "aead": "openssl",
                 "started": "%s", "updated": "%s", "handshake_mode": "signed",
                 "device_drops": {"size": 2},
                 "pad": {"file": "/mnt/secure/psk.bin", "fingerprint": "ab12", "state_file": "/var/lib/s.json",
                         "data_slots": 100, "tx_next_seq": 7, "tx_slots_used": 1, "tx_slots_remaining": 99,
                         "tx_packets_remaining": 99000, "rx_highest_seq": 3, "erased_slots": 0, "erasable": true},
                 "peers": [{"name": "site-b", "fingerprint": "0011223344556677",
                            "latest_handshake": "%s", "last_packet": "%s",
                            "endpoint": "169.254.10.3:5555", "data_allowed": true,
                            "tx_packets": 10, "tx_bytes": 1000, "rx_packets": 20, "rx_bytes": 3072,
                            "drops": {"aead": 1, "replay": 4}}]}
                """.formatted(StatusFile.FORMAT, iface, pid, at(3600), at(1), at(12), at(63));
        return Files.writeString(dir.resolve(iface + ".json"), json);
    }

    /** A hub server with alice (connected) and bob (never). */
    private Path hub(String iface, long pid) throws Exception {
        String json = """
                {"format": "%s", "interface": "%s", "state": "running", "pid": %d, "role": "hub server",
                 "listen_port": 51820, "mtu": 1420, "aead": "openssl", "started": "%s", "updated": "%s",
                 "device_drops": {},
                 "peers": [{"name": "alice", "fingerprint": "3f2a00aa11bb22cc", "latest_handshake": "%s",
                            "last_packet": "%s", "allowed_ips": ["10.77.0.2/32", "fd77::2/128"],
                            "endpoint": "192.0.2.7:40000", "data_allowed": true, "tx_packets": 1,
                            "tx_bytes": 84, "rx_packets": 2, "rx_bytes": 168, "drops": {}},
                           {"name": "bob", "fingerprint": "77aa00bb11cc22dd", "latest_handshake": null,
                            "last_packet": null, "allowed_ips": ["10.77.0.3/32"], "endpoint": null,
                            "data_allowed": true, "tx_packets": 0, "tx_bytes": 0, "rx_packets": 0,
                            "rx_bytes": 0, "drops": {"no_session": 3}}]}
                """.formatted(StatusFile.FORMAT, iface, pid, at(7200), at(1), at(3725), at(2));
        return Files.writeString(dir.resolve(iface + ".json"), json);
    }

    @Test
    void noTunnelsIsExitZeroAndNoOutputLikeWgShow() throws Exception {
        assertThat(show()).isEqualTo(new Run(0, "", ""));
        assertThat(show("dump")).isEqualTo(new Run(0, "", ""));
        Files.delete(dir);
        assertThat(show()).as("no status directory at all").isEqualTo(new Run(0, "", ""));
        assertThat(show("--json").out().strip()).isEqualTo("[ ]");
    }

    @Test
    void aNamedInterfaceWithoutStatusIsExitOneWithOneLine() throws Exception {
        hub("pskh0", LIVE);
        Run r = show("tun9");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .isEqualTo("psk-tunnel show: no tunnel tun9 (no status file " + dir.resolve("tun9.json") + ")"
                        + System.lineSeparator());
    }

    @Test
    void pointToPointPeerByPinnedNameWithHandshakeAndReceiveTimesAgo() throws Exception {
        p2p("psk0", LIVE);
        Run r = show("psk0");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .contains(
                        "interface: psk0\n  state: running (pid 4100)\n  role: initiator\n  listening port: 5555\n"
                                + "  handshake: signed\n",
                        "  device drops: size 2\n",
                        "\npeer: site-b (identity 0011223344556677)\n  endpoint: 169.254.10.3:5555\n"
                                + "  latest handshake: 12 seconds ago\n"
                                + "  last packet received: 1 minute, 3 seconds ago\n"
                                + "  transfer: 3.0 KiB received, 1000 B sent\n",
                        "  drops: aead 1, replay 4\n");
    }

    @Test
    void hubClientsByEnrolledNameWithFingerprintAllowedIpsAndTimes() throws Exception {
        hub("pskh0", LIVE);
        Run r = show();
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains(
                        "peer: alice (3f2a00aa11bb22cc)\n  endpoint: 192.0.2.7:40000\n"
                                + "  allowed ips: 10.77.0.2/32, fd77::2/128\n"
                                + "  latest handshake: 1 hour, 2 minutes, 5 seconds ago\n"
                                + "  last packet received: 2 seconds ago\n",
                        "peer: bob (77aa00bb11cc22dd)\n  endpoint: (none)\n  allowed ips: 10.77.0.3/32\n"
                                + "  latest handshake: never\n  last packet received: never\n",
                        "  drops: no_session 3\n")
                .doesNotContain("pad:", "\n  handshake: ");
    }

    @Test
    void aDeadDaemonIsShownAsNotRunningAndExitOneWhenNamed() throws Exception {
        p2p("psk0", DEAD);
        Run named = show("psk0");
        assertThat(named.code()).isEqualTo(1);
        assertThat(named.out()).contains("  state: NOT RUNNING (pid 4200 is gone; stale status from " + at(1) + ")");
        Run byFile = show("--status-file", dir.resolve("psk0.json").toString());
        assertThat(byFile.code()).as("--status-file names it too").isEqualTo(1);
        Run listed = show();
        assertThat(listed.code()).as("a listing reports it in the output only").isZero();
        assertThat(listed.out()).contains("NOT RUNNING");
        Files.writeString( // written a minute ago by pid 4300, which a process started 30 s ago has now
                dir.resolve("psk0.json"),
                Files.readString(p2p("psk0", REUSED)).replace("\"updated\": \"" + at(1), "\"updated\": \"" + at(60)));
        assertThat(show("psk0").out())
                .as("its pid now belongs to a later process")
                .contains("NOT RUNNING");
        Files.writeString(
                dir.resolve("psk0.json"),
                Files.readString(dir.resolve("psk0.json")).replace("\"state\": \"running\"", "\"state\": \"stopped\""));
        p2p("psk1", LIVE);
        Run stopped = show("psk0", "psk1");
        assertThat(stopped.code()).isEqualTo(1);
        assertThat(stopped.out()).contains("state: stopped (status kept from ", "state: running (pid 4100)");
    }

    @Test
    void jsonIsOneArrayForAnyNumberOfInterfaces() throws Exception {
        p2p("psk0", LIVE);
        hub("pskh0", DEAD);
        Run r = show("--json");
        assertThat(r.code()).isZero();
        JsonNode all = JsonMapper.builder().build().readTree(r.out());
        assertThat(all.isArray()).isTrue();
        assertThat(all.size()).isEqualTo(2);
        assertThat(all.get(0).path("interface").asString()).isEqualTo("psk0");
        assertThat(all.get(0).path("running").asBoolean()).isTrue();
        assertThat(all.get(0).path("peers").get(0).path("name").asString()).isEqualTo("site-b");
        assertThat(all.get(1).path("running").asBoolean()).isFalse();
        assertThat(all.get(1).path("status_file").asString())
                .isEqualTo(dir.resolve("pskh0.json").toString());
        JsonNode one =
                JsonMapper.builder().build().readTree(show("--json", "psk0").out());
        assertThat(one.isArray() && one.size() == 1)
                .as("one interface is still an array")
                .isTrue();
    }

    @Test
    void dumpHasOneTabSeparatedLinePerInterfaceAndPeerWithStableColumns() throws Exception {
        p2p("psk0", LIVE);
        hub("pskh0", DEAD);
        Run r = show("all", "dump");
        assertThat(r.code()).isZero();
        List<String[]> lines = r.out().lines().map(l -> l.split("\t", -1)).toList();
        assertThat(lines).hasSize(5); // 2 interfaces, 1 + 2 peers
        long epoch = NOW.getEpochSecond();
        assertThat(lines.get(0))
                .containsExactly(
                        "psk0",
                        "interface",
                        "running",
                        "4100",
                        "initiator",
                        "5555",
                        "1420",
                        "signed",
                        "99000",
                        "" + (epoch - 1),
                        "size=2");
        assertThat(lines.get(1))
                .containsExactly(
                        "psk0",
                        "peer",
                        "site-b",
                        "0011223344556677",
                        "169.254.10.3:5555",
                        "(none)",
                        "" + (epoch - 12),
                        "" + (epoch - 63),
                        "3072",
                        "1000",
                        "20",
                        "10",
                        "5",
                        "aead=1,replay=4");
        assertThat(lines.get(2))
                .containsExactly(
                        "pskh0",
                        "interface",
                        "not-running",
                        "" + DEAD,
                        "hub server",
                        "51820",
                        "1420",
                        "(none)",
                        "(none)",
                        "" + (epoch - 1),
                        "(none)");
        assertThat(lines.get(3)[5]).isEqualTo("10.77.0.2/32,fd77::2/128");
        assertThat(lines.get(4))
                .containsExactly(
                        "pskh0",
                        "peer",
                        "bob",
                        "77aa00bb11cc22dd",
                        "(none)",
                        "10.77.0.3/32",
                        "0",
                        "0",
                        "0",
                        "0",
                        "0",
                        "0",
                        "3",
                        "no_session=3");
        Run one = show("pskh0", "dump");
        assertThat(one.code()).as("named and not running").isEqualTo(1);
        assertThat(one.out().lines().count()).isEqualTo(3);
        assertThat(show("--json", "dump").code()).as("one format at a time").isEqualTo(2);
    }

    @Test
    void aStatusFileOfTheFirstVersionStillReadsAndUnknownFieldsAreIgnored() throws Exception {
        // as psk-tunnel wrote it before state, version, handshake_mode and the peer times existed
        Files.writeString(dir.resolve("tun0.json"), """
                {"format": "%s", "interface": "tun0", "pid": %d, "role": "responder", "listen_port": 51820,
                 "mtu": 1420, "aead": "jce", "started": "%s", "updated": "%s", "device_drops": {},
                 "some_future_field": {"x": [1, 2]},
                 "peers": [{"name": "169.254.10.2", "endpoint": "169.254.10.2:51820", "data_allowed": true,
                            "tx_packets": 1, "tx_bytes": 2, "rx_packets": 3, "rx_bytes": 4, "drops": {}}]}
                """.formatted(StatusFile.FORMAT, LIVE, at(60), at(1)));
        Run r = show("tun0");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("state: running (pid 4100)", "peer: 169.254.10.2\n", "last packet received: never");
        assertThat(show("tun0", "dump").out().lines().toList().get(1).split("\t"))
                .hasSize(14)
                .startsWith("tun0", "peer", "169.254.10.2", "(none)", "169.254.10.2:51820", "(none)", "0", "0");
    }

    @Test
    void aCorruptStatusFileIsOneLineAndExitOne() throws Exception {
        Files.writeString(dir.resolve("bad.json"), "{not json");
        Files.writeString(dir.resolve("other.json"), "{\"format\": \"something-else\"}");
        Run r = show();
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList())
                .hasSize(2)
                .allMatch(l -> l.startsWith("psk-tunnel show: "))
                .anyMatch(l -> l.contains("bad.json") && l.contains("not JSON"))
                .anyMatch(l -> l.contains("other.json") && l.contains("is not a psk-tunnel status"));
    }
}
