package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.testing.MemoryTun;
import dev.psk.tunnel.testing.TestPads;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's log lines as an operator reads them (issue #15): journald priorities when the stream
 * is the journal and none otherwise, the wrong-pad hint of --handshake off, stats only on change.
 */
class LogLinesCliTest {
    @TempDir
    Path dir;

    static byte[] packet(int i) {
        byte[] p = new byte[100];
        p[0] = 0x45;
        p[9] = (byte) i;
        return p;
    }

    static List<String> lines(java.io.ByteArrayOutputStream b) {
        return b.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }

    /** A's pad is not B's: B (on the journal) hints once, as a warning; A (not on it) has no priorities. */
    @Test
    void differentPadsGiveOneRateLimitedHintWithWarningPriorityOnTheJournal() throws Exception {
        Path padA = TestPads.create(dir, "padA", 50, 1);
        Path padB = TestPads.create(dir, "padB", 50, 2);
        int portA = TestDaemon.freePort(), portB = TestDaemon.freePort();
        MemoryTun tunA = new MemoryTun("la", 1420, 1024), tunB = new MemoryTun("lb", 1420, 1024);
        TestDaemon a = TestDaemon.start(false, dir, padA, "a", portA, portB, true, tunA, "1s");
        TestDaemon b = TestDaemon.start(true, dir, padB, "b", portB, portA, false, tunB, "1s");
        try {
            try {
                a.awaitFile(dir.resolve("a-status.json"));
                b.awaitFile(dir.resolve("b-status.json"));
            } catch (AssertionError e) {
                throw new AssertionError("a: " + a.out() + a.err() + "\nb: " + b.out() + b.err(), e);
            }
            for (int i = 0; i < 3 * AuthFailureHint.MIN_FAILURES; i++) {
                tunA.inject(packet(i));
            }
            String hint = "<4>psk-tunnel: warning: packets from 127.0.0.1:" + portA + " fail authentication (";
            for (int i = 0; i < 60 && lines(b.err()).stream().noneMatch(l -> l.startsWith(hint)); i++) {
                Thread.sleep(50);
            }
            for (int i = 0; i < 3 * AuthFailureHint.MIN_FAILURES; i++) {
                tunA.inject(packet(i)); // more failures within the minute: no second line
            }
            Thread.sleep(1500);
            assertThat(tunB.take(0)).isNull();
        } finally {
            a.daemon().requestStop("test");
            b.daemon().requestStop("test");
        }
        assertThat(a.result().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(b.result().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(lines(b.err()))
                .filteredOn(l -> l.contains("fail authentication"))
                .singleElement()
                .asString()
                .startsWith("<4>psk-tunnel: warning: packets from 127.0.0.1:" + portA + " fail authentication (")
                .contains("different pad or state?");
        assertThat(lines(b.out())).isNotEmpty().allMatch(l -> l.startsWith("<6>"), "info priority");
        assertThat(lines(b.out()).getFirst()).startsWith("<6>psk-tunnel: responder on lb (");
        assertThat(lines(b.out())).anyMatch(l -> l.startsWith("<6>psk-tunnel: stats: tx 0 packets"));
        assertThat(lines(a.out()))
                .anyMatch(l -> l.startsWith("psk-tunnel: initiator on la ("))
                .noneMatch(l -> l.startsWith("<"));
        assertThat(lines(a.err())).noneMatch(l -> l.startsWith("<")).noneMatch(l -> l.contains("fail authentication"));
    }

    /** An idle tunnel prints its stats once, not at every interval (the old daemon printed ~7 here). */
    @Test
    void anIdleTunnelPrintsItsStatsOnce() throws Exception {
        Path pad = TestPads.create(dir, "pad", 50, 3);
        int portA = TestDaemon.freePort(), portB = TestDaemon.freePort();
        TestDaemon a = TestDaemon.start(dir, pad, "a", portA, portB, true, new MemoryTun("ia", 1420, 16), "200ms");
        try {
            a.awaitFile(dir.resolve("a-status.json"));
            Thread.sleep(1600);
        } finally {
            a.daemon().requestStop("test");
        }
        assertThat(a.result().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(lines(a.out())).filteredOn(l -> l.contains("stats: ")).hasSize(1);
        assertThat(lines(a.out())).filteredOn(l -> l.contains("pad: ")).hasSize(1);
        assertThat(lines(a.out()).size())
                .as("banner, stats, pad, stopped: %s", lines(a.out()))
                .isLessThanOrEqualTo(9);
    }
}
