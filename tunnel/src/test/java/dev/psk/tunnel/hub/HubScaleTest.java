package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.hub.HubFixtures.Client;
import dev.psk.tunnel.hub.HubFixtures.Keys;
import dev.psk.tunnel.testing.MemoryTun;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scale (issue #13 item 6): a 1,000-client configuration loads in under a second (CPU time of the
 * loading thread, so the figure holds on a loaded machine); 200 clients connected at once in one
 * process exchange traffic, and revoking one cuts it within a second while the others keep
 * flowing. Memory per client is measured and printed (recorded in docs/benchmarks.md).
 */
class HubScaleTest extends HubHarness {
    static List<Client> clients(int n) {
        List<Client> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Client(
                    "c" + i, Keys.generate(), HubFixtures.psk(), "10.77." + (i / 250) + "." + (2 + i % 250), true));
        }
        return out;
    }

    static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void aThousandClientConfigLoadsInUnderASecond() throws Exception {
        List<Client> many = clients(1000);
        port = 51820;
        String json =
                HubFixtures.serverJson(hubKeys, port, many, java.util.Map.of()).replace("10.77.0.1/24", "10.78.0.1/16");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long heap0 = usedHeap();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        HubConfig cfg = HubConfigParser.parseServer(json, "hub.json");
        HubServer h = new HubServer(
                cfg,
                MemoryTun.forwarding("hub", "10.77.0.1"),
                socket(),
                HubServer.Options.defaults(),
                System::nanoTime);
        long cpuMs = (mx.getCurrentThreadCpuTime() - cpu0) / 1_000_000;
        long wallMs = (System.nanoTime() - wall0) / 1_000_000;
        long perClient = (usedHeap() - heap0) / 1000;
        open.add(h);
        System.out.println("hub scale: 1000-client config parsed and hub built in " + cpuMs + " ms CPU (" + wallMs
                + " ms wall, load " + loadAverage() + "); about " + perClient + " bytes of heap per configured client");
        assertThat(cfg.clients()).hasSize(1000);
        assertThat(h.clientStates()).isEqualTo(1000);
        assertThat(cpuMs).isLessThan(1000);
    }

    @Test
    void twoHundredClientsExchangeTrafficAndARevokedOneIsCutWithinASecond() throws Exception {
        List<Client> many = clients(200);
        startHub(many, HubServer.Options.defaults());
        hub.reload(config(many));
        List<Running> running = new ArrayList<>();
        long heap0 = usedHeap();
        for (Client c : many) {
            running.add(startClient(c));
        }
        awaitOr(
                () -> running.stream().allMatch(r -> r.client().connected()),
                120_000,
                () -> running.stream().filter(r -> r.client().connected()).count() + " of 200 connected, hub "
                        + hub.counters());
        long perPair = (usedHeap() - heap0) / 200;
        System.out.println("hub scale: 200 clients connected; about " + perPair
                + " bytes of heap per connected client, both ends and their in-process device (load "
                + loadAverage() + ")");
        for (int i = 0; i < many.size(); i++) {
            Client c = many.get(i);
            byte[] up = Packets.ipv4(c.address(), "10.77.0.1", 32);
            running.get(i).tun().inject(up);
        }
        awaitOr(() -> hub.counters().packetsIn() >= 200, 30_000, () -> "hub " + hub.counters());
        for (int i = 0; i < many.size(); i++) {
            Client c = many.get(i);
            byte[] down = Packets.ipv4("10.77.0.1", c.address(), 32);
            hubTun.inject(down);
            assertThat(running.get(i).tun().take(5000)).as(c.name()).isEqualTo(down);
        }
        Client victim = many.get(17);
        List<Client> after = new ArrayList<>(many);
        after.set(17, new Client(victim.name(), victim.keys(), victim.psk(), victim.address(), false));
        long t0 = System.nanoTime();
        hub.reload(config(after));
        long cutMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(cutMs).isLessThan(1000);
        hubTun.inject(Packets.ipv4("10.77.0.1", victim.address(), 32));
        assertThat(running.get(17).tun().take(300)).isNull();
        long unknownBefore = hub.counters().drops(HubDropReason.UNKNOWN_RECEIVER);
        running.get(17).tun().inject(Packets.ipv4(victim.address(), "10.77.0.1", 32));
        await(() -> hub.counters().drops(HubDropReason.UNKNOWN_RECEIVER) > unknownBefore, 1000);
        for (int i : new int[] {0, 16, 18, 199}) {
            byte[] down = Packets.ipv4("10.77.0.1", many.get(i).address(), 40);
            hubTun.inject(down);
            assertThat(running.get(i).tun().take(3000)).isEqualTo(down);
        }
    }

    static String loadAverage() {
        return String.format(
                "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
