package dev.psk.it.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.testing.Processes;
import dev.psk.provision.hub.HubEnrolment;
import dev.psk.tunnel.hub.Cidr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hub mode end to end with real TUN devices in three network namespaces, the hub and two clients
 * running as separate {@code psk-tunnel hub} processes:
 *
 * <pre>
 *   pskhA&lt;pid&gt; (client a)            pskhH&lt;pid&gt; (hub)             pskhB&lt;pid&gt; (client b)
 *   tun 10.77.0.2/24                  tun 10.77.0.1/24                 tun 10.77.0.3/24
 *   veth 192.168.71.2 ------------ 192.168.71.1 | 192.168.72.1 ------------ 192.168.72.2 veth
 * </pre>
 *
 * Everything it creates carries the prefix "pskh" and this JVM's pid, and is removed in
 * {@link #tearDown} even when a step fails.
 */
@Tag("netns")
@Tag("root")
class HubNetnsTest {
    static final long PID = ProcessHandle.current().pid();
    static final String H = "pskhH" + PID;
    static final String A = "pskhA" + PID;
    static final String B = "pskhB" + PID;
    static final int PORT = 51820;
    static final int METRICS = 9464;

    @TempDir
    Path dir;

    final List<Process> processes = new ArrayList<>();
    final List<String> namespaces = new ArrayList<>();

    static Processes.Result sh(String... cmd) throws Exception {
        return Processes.run(List.of(cmd), null, null, Duration.ofSeconds(30));
    }

    static Processes.Result in(String ns, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return Processes.run(c, null, null, Duration.ofSeconds(60));
    }

    Process java(String ns, String name, String... args) throws IOException {
        List<String> c = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                ns,
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path")));
        c.addAll(List.of(args));
        Process p = new ProcessBuilder(c)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        processes.add(p);
        return p;
    }

    String log(String name) throws IOException {
        Path p = dir.resolve(name + ".log");
        return Files.exists(p) ? Files.readString(p) : "";
    }

    /** {@code psk-tunnel show --status-file FILE}, in process. */
    static String show(Path statusFile) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cl = dev.psk.common.cli.CliRunner.commandLine(new dev.psk.tunnel.cli.PskTunnel());
        cl.setOut(new java.io.PrintWriter(out));
        int code = cl.execute("show", "--status-file", statusFile.toString());
        assertThat(code).as("show exit code; output:\n" + out).isZero();
        return out.toString();
    }

    String metrics() throws Exception {
        return in(H, "curl", "-s", "--max-time", "2", "http://127.0.0.1:" + METRICS + "/metrics")
                .stdout();
    }

    static double metric(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+]+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    boolean ping(String ns, String to, String... extra) throws Exception {
        List<String> c = new ArrayList<>(List.of("ping", "-c", "1", "-W", "1"));
        c.addAll(List.of(extra));
        c.add(to);
        return in(ns, c.toArray(String[]::new)).exitCode() == 0;
    }

    void waitFor(String what, long millis, java.util.concurrent.Callable<Boolean> cond) throws Exception {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (cond.call()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " within " + millis + " ms; hub log:\n" + log("hub") + "\na:\n" + log("a")
                + "\nb:\n" + log("b"));
    }

    void setUpNetwork() throws Exception {
        for (String ns : List.of(H, A, B)) {
            sh("ip", "netns", "add", ns).requireSuccess("netns add " + ns);
            namespaces.add(ns);
            in(ns, "ip", "link", "set", "lo", "up").requireSuccess("lo up");
            in(ns, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
        }
        // Client-to-client packets go through the hub's TUN device and its kernel's forwarding.
        in(H, "sysctl", "-qw", "net.ipv4.ip_forward=1").requireSuccess("ip_forward");
        String[][] links = {
            {A, "pskh" + PID + "a", "pskh" + PID + "x", "192.168.71"},
            {B, "pskh" + PID + "b", "pskh" + PID + "y", "192.168.72"}
        };
        for (String[] l : links) {
            sh("ip", "link", "add", l[1], "netns", l[0], "type", "veth", "peer", "name", l[2], "netns", H)
                    .requireSuccess("veth");
            in(l[0], "ip", "addr", "add", l[3] + ".2/24", "dev", l[1]).requireSuccess("addr");
            in(l[0], "ip", "link", "set", l[1], "up").requireSuccess("up");
            in(H, "ip", "addr", "add", l[3] + ".1/24", "dev", l[2]).requireSuccess("addr");
            in(H, "ip", "link", "set", l[2], "up").requireSuccess("up");
        }
    }

    Path clientFile(String name, String endpoint, String tun, Path hubFile, String cidr) throws Exception {
        Path f = dir.resolve(name + ".json");
        HubEnrolment.addClient(hubFile, name, List.of(Cidr.parse(cidr)), f, endpoint);
        Files.writeString(f, Files.readString(f).replace("\"pskc0\"", "\"" + tun + "\""));
        return f;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        for (String ns : namespaces) {
            sh("ip", "netns", "del", ns);
        }
    }

    @Test
    void threeNamespaces() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Processes.isRoot(), "needs root for namespaces and TUN");
        setUpNetwork();
        Path hubFile = dir.resolve("hub.json");
        HubEnrolment.init(hubFile, "0.0.0.0", PORT, "10.77.0.1/24", "pskh" + PID + "t");
        Files.writeString(
                hubFile,
                Files.readString(hubFile)
                        .replace("\"ListenPort\"", "\"MetricsPort\" : " + METRICS + ", \"ListenPort\""));
        Path a = clientFile("a", "192.168.71.1:" + PORT, "pskh" + PID + "t", hubFile, "10.77.0.2/32");
        Path b = clientFile("b", "192.168.72.1:" + PORT, "pskh" + PID + "t", hubFile, "10.77.0.3/32");
        // mallory: a well-formed client of this hub whose key the hub has never seen.
        Path otherHub = dir.resolve("other.json");
        HubEnrolment.init(otherHub, "0.0.0.0", PORT, "10.77.0.1/24", "x");
        Path m = clientFile("m", "192.168.72.1:" + PORT, "pskh" + PID + "m", otherHub, "10.77.0.9/32");
        String hubPub = dev.psk.tunnel.hub.HubConfigParser.readClient(a).serverPublicKey() == null
                ? ""
                : java.util.Base64.getEncoder()
                        .encodeToString(
                                dev.psk.tunnel.hub.HubConfigParser.readClient(a).serverPublicKey());
        String otherPub = java.util.Base64.getEncoder()
                .encodeToString(dev.psk.tunnel.hub.HubConfigParser.readClient(m).serverPublicKey());
        Files.writeString(m, Files.readString(m).replace(otherPub, hubPub));

        Process hub = java(
                H,
                "hub",
                "dev.psk.tunnel.cli.hub.HubTunnelCommand",
                "server",
                "--config",
                hubFile.toString(),
                "--status-file",
                dir.resolve("hub-status.json").toString());
        java(
                A,
                "a",
                "dev.psk.tunnel.cli.hub.HubTunnelCommand",
                "client",
                "--config",
                a.toString(),
                "--status-file",
                dir.resolve("a-status.json").toString());
        java(
                B,
                "b",
                "dev.psk.tunnel.cli.hub.HubTunnelCommand",
                "client",
                "--config",
                b.toString(),
                "--status-file",
                dir.resolve("b-status.json").toString());

        // Test that both clients reach the hub and each other through it.
        waitFor("client a reaches the hub", 20_000, () -> ping(A, "10.77.0.1"));
        waitFor("client b reaches the hub", 20_000, () -> ping(B, "10.77.0.1"));
        assertThat(ping(A, "10.77.0.3")).as("a -> b through the hub").isTrue();
        assertThat(ping(B, "10.77.0.2")).as("b -> a through the hub").isTrue();
        assertThat(ping(H, "10.77.0.2")).as("hub -> a").isTrue();

        // Test that 'psk-tunnel show' reports the hub and a client: role, peers with traffic, no pad section.
        Thread.sleep(1200); // one status refresh after the pings
        String hubShow = show(dir.resolve("hub-status.json"));
        assertThat(hubShow).contains("role: hub server", "received").doesNotContain("pad:");
        assertThat(hubShow.lines().filter(l -> l.startsWith("peer: ")).count())
                .as("a and b, by key fingerprint")
                .isEqualTo(2);
        assertThat(hubShow)
                .as("clients by enrolled name, with AllowedIPs and times")
                .contains("peer: a (", "allowed ips: 10.77.0.2/32", "allowed ips: 10.77.0.3/32")
                .containsPattern("latest handshake: (now|[0-9]+ seconds? ago)")
                .containsPattern("last packet received: (now|[0-9]+ seconds? ago)");
        assertThat(show(dir.resolve("a-status.json"))).contains("role: hub client", "received", "endpoint: ");
        String scrape = metrics();
        assertThat(metric(
                        scrape, "psk_tunnel_peer_latest_handshake_seconds{interface=\"pskh" + PID + "t\",peer=\"a\"}"))
                .as("the point-to-point scheme on the hub")
                .isGreaterThan(1e9);
        assertThat(scrape).contains("psk_tunnel_build_info{version=");

        // Test that a client sending with the other's inner source address is dropped and counted.
        String tunA = "pskh" + PID + "t";
        in(A, "ip", "addr", "add", "10.77.0.3/32", "dev", tunA).requireSuccess("spoof addr");
        assertThat(ping(A, "10.77.0.1", "-I", "10.77.0.3")).isFalse();
        in(A, "ip", "addr", "del", "10.77.0.3/32", "dev", tunA).requireSuccess("spoof addr del");
        assertThat(metric(
                        metrics(),
                        "psk_tunnel_drops_total{interface=\"pskh" + PID + "t\",peer=\"a\",reason=\"allowed_ips\"}"))
                .isGreaterThanOrEqualTo(1);

        // Test that an unknown key is refused at message 1.
        java(
                B,
                "m",
                "dev.psk.tunnel.cli.hub.HubTunnelCommand",
                "client",
                "--no-configure",
                "--config",
                m.toString(),
                "--status-file",
                dir.resolve("m-status.json").toString());
        waitFor(
                "unknown key refused",
                15_000,
                () -> metric(
                                metrics(),
                                "psk_hub_handshakes_total{interface=\"pskh" + PID
                                        + "t\",reason=\"unknown_key\",result=\"rejected\"}")
                        >= 1);

        // Test that a replayed message 1 is refused.
        Processes.Result replay = in(
                A,
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                HubPacketTool.class.getName(),
                "replay",
                "192.168.71.1",
                "" + PORT,
                a.toString());
        assertThat(replay.exitCode()).as(replay.stderr()).isZero();
        waitFor(
                "replayed message 1 refused",
                5_000,
                () -> metric(
                                metrics(),
                                "psk_hub_handshakes_total{interface=\"pskh" + PID
                                        + "t\",reason=\"replayed_initiation\",result=\"rejected\"}")
                        >= 1);

        // Test that under a handshake flood from one address the hub answers with cookies and keeps serving the others.
        Processes.Result flood = in(
                A,
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                HubPacketTool.class.getName(),
                "flood",
                "192.168.71.1",
                "" + PORT,
                m.toString(),
                "20000");
        assertThat(flood.exitCode()).as(flood.stderr()).isZero();
        int cookies = Integer.parseInt(flood.stdout().strip().replace("cookies=", ""));
        assertThat(cookies).isGreaterThan(100);
        assertThat(metric(
                        metrics(),
                        "psk_hub_handshakes_total{interface=\"pskh" + PID
                                + "t\",reason=\"cookie_sent\",result=\"rejected\"}"))
                .isGreaterThan(100);
        assertThat(ping(B, "10.77.0.1")).as("b still served after the flood").isTrue();
        assertThat(ping(B, "10.77.0.2")).as("b still reaches a").isTrue();

        // Test that revoking one client (edit the config, SIGHUP) stops its traffic within a second while the other
        // continues.
        double ended = metric(metrics(), "psk_hub_sessions_ended_total{interface=\"pskh" + PID + "t\"}");
        HubEnrolment.revoke(hubFile, "b", false);
        long t0 = System.nanoTime();
        sh("kill", "-HUP", Long.toString(hub.pid())).requireSuccess("SIGHUP");
        waitFor(
                "b's session ended",
                1_000,
                () -> metric(metrics(), "psk_hub_sessions_ended_total{interface=\"pskh" + PID + "t\"}") > ended);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
        assertThat(ping(B, "10.77.0.1")).as("revoked b").isFalse();
        assertThat(ping(A, "10.77.0.1")).as("a continues").isTrue();
        waitFor(
                "b's next handshake refused",
                30_000,
                () -> metric(
                                metrics(),
                                "psk_hub_handshakes_total{interface=\"pskh" + PID
                                        + "t\",reason=\"disabled_key\",result=\"rejected\"}")
                        >= 1);
        assertThat(ping(B, "10.77.0.1")).isFalse();
        assertThat(hub.isAlive()).isTrue();
        assertThat(log("hub"))
                .as("one line per event, naming the refused client, its address and the reason")
                .containsPattern(
                        "(?m)^psk-tunnel: warning: handshake refused \\(disabled_key\\): client b \\([0-9a-f]+\\) from "
                                + "192\\.168\\.72\\.2:\\d+$")
                .doesNotContainPattern("(?m)^(INFO|WARNING|SEVERE|FINE): ");
        assertThat(log("hub"))
                .doesNotContain(Files.readString(a).replaceAll("(?s).*\"ClientPSK\"\\s*:\\s*\"([^\"]+)\".*", "$1"));
    }
}
