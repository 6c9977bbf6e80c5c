package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.noise.NoiseLimits;
import dev.psk.tunnel.ratelimit.RateLimiter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Wire sizes, TAI64N, cookies (mac1/mac2), the rate limiter and the timers. */
class HubPrimitivesTest {
    final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Test
    void wireSizesMatchTheSpecification() {
        assertThat(HubWire.INITIATION_MIN_BYTES).isEqualTo(148);
        assertThat(HubWire.RESPONSE_BYTES).isEqualTo(92);
        assertThat(HubWire.COOKIE_REPLY_BYTES).isEqualTo(52);
        assertThat(HubWire.TRANSPORT_MIN_BYTES).isEqualTo(32);
        assertThat(HubWire.paddedLength(0)).isZero();
        assertThat(HubWire.paddedLength(1)).isEqualTo(16);
        assertThat(HubWire.paddedLength(1420)).isEqualTo(1424);
        assertThat(HubWire.paddedLength(1500)).isEqualTo(1500);
        assertThat(NoiseLimits.REJECT_AFTER_MESSAGES).isEqualTo(-1L - 8192);
        assertThat(Long.toUnsignedString(NoiseLimits.REJECT_AFTER_MESSAGES)).isEqualTo("18446744073709543423");
    }

    @Test
    void tai64nIsMonotonicAndCoarse() {
        Instant t = Instant.parse("2026-11-22T02:00:00.123456789Z");
        byte[] a = Tai64n.encode(t);
        byte[] b = Tai64n.encode(t.plusMillis(1));
        assertThat(a).hasSize(12);
        assertThat(Tai64n.after(b, a)).isTrue();
        assertThat(Tai64n.after(a, b)).isFalse();
        assertThat(Tai64n.after(a, a)).isFalse();
        assertThat(Tai64n.after(a, null)).isTrue();
        assertThat(Tai64n.encode(t.plusNanos(1000))).isEqualTo(a);
        assertThat(a[0]).isEqualTo((byte) 0x40);
    }

    @Test
    void mac1ChecksOnlyMessagesMadeForThisHub() throws Exception {
        byte[] hubPub = HubFixtures.Keys.generate().pub();
        CookieChecker checker = new CookieChecker(hubPub, clock::get);
        CookieGenerator gen = new CookieGenerator(hubPub, clock::get);
        byte[] msg = new byte[HubWire.INITIATION_MIN_BYTES];
        msg[0] = 1;
        gen.addMacs(msg, msg.length);
        assertThat(checker.checkMac1(msg, msg.length)).isTrue();
        for (int i = 0; i < msg.length - HubWire.MAC_BYTES; i++) {
            byte[] t = msg.clone();
            t[i] ^= 1;
            assertThat(checker.checkMac1(t, t.length)).as("byte " + i).isFalse();
        }
        CookieGenerator other = new CookieGenerator(HubFixtures.Keys.generate().pub(), clock::get);
        byte[] m2 = new byte[msg.length];
        other.addMacs(m2, m2.length);
        assertThat(checker.checkMac1(m2, m2.length)).isFalse();
        assertThat(checker.checkMac1(new byte[10], 10)).isFalse();
    }

    @Test
    void cookieReplyGivesAMac2BoundToTheSourceAddress() throws Exception {
        byte[] hubPub = HubFixtures.Keys.generate().pub();
        CookieChecker checker = new CookieChecker(hubPub, clock::get);
        CookieGenerator gen = new CookieGenerator(hubPub, clock::get);
        InetSocketAddress src = new InetSocketAddress("192.0.2.7", 40000);
        byte[] msg = new byte[HubWire.INITIATION_MIN_BYTES];
        msg[0] = 1;
        gen.addMacs(msg, msg.length);
        assertThat(gen.hasCookie()).isFalse();
        assertThat(checker.checkMac2(msg, msg.length, src)).isFalse();
        byte[] reply = new byte[HubWire.COOKIE_REPLY_BYTES];
        int n = checker.writeCookieReply(msg, msg.length, 77, src, reply);
        assertThat(n).isEqualTo(52);
        assertThat(HubWire.getIntLE(reply, HubWire.COOKIE_RECEIVER_OFFSET)).isEqualTo(77);
        byte[] tampered = reply.clone();
        tampered[30] ^= 1;
        assertThat(gen.consumeCookieReply(tampered, n)).isFalse();
        assertThat(gen.consumeCookieReply(reply, n)).isTrue();
        byte[] again = new byte[HubWire.INITIATION_MIN_BYTES];
        again[0] = 1;
        again[5] = 9;
        gen.addMacs(again, again.length);
        assertThat(checker.checkMac2(again, again.length, src)).isTrue();
        assertThat(checker.checkMac2(again, again.length, new InetSocketAddress("192.0.2.8", 40000)))
                .isFalse();
        assertThat(checker.checkMac2(again, again.length, new InetSocketAddress("192.0.2.7", 40001)))
                .isFalse();
        // A reply answers one message: after a new mac1, the old reply no longer opens.
        assertThat(gen.consumeCookieReply(reply, n)).isFalse();
        // The secret rotates: after COOKIE_REFRESH_TIME the cookie stops verifying.
        clock.addAndGet(NoiseLimits.COOKIE_REFRESH_TIME.toNanos());
        assertThat(checker.checkMac2(again, again.length, src)).isFalse();
    }

    @Test
    void rateLimiterAllowsBurstThenRateAndFailsClosedWhenFull() {
        RateLimiter<String> r = new RateLimiter<>(10, 3, 2, clock::get);
        assertThat(r.allow("a")).isTrue();
        assertThat(r.allow("a")).isTrue();
        assertThat(r.allow("a")).isTrue();
        assertThat(r.allow("a")).isFalse();
        clock.addAndGet(Duration.ofMillis(100).toNanos());
        assertThat(r.allow("a")).isTrue();
        assertThat(r.allow("a")).isFalse();
        assertThat(r.allow("b")).isTrue();
        assertThat(r.allow("c")).as("table full: new keys refused").isFalse();
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        r.sweep();
        assertThat(r.size()).isZero();
        assertThat(r.allow("c")).isTrue();
    }

    @Test
    void timersRetransmitRekeyGiveUpAndKeepAlive() {
        Timers t = new Timers(new Timers.Settings(
                Duration.ofSeconds(5),
                Duration.ofSeconds(90),
                Duration.ofSeconds(120),
                Duration.ofSeconds(10),
                Duration.ofSeconds(25)));
        long now = 0;
        assertThat(t.due(now)).isEqualTo(Timers.Action.SEND_INITIATION);
        t.onHandshakeInitiated(now);
        assertThat(t.due(now + Duration.ofSeconds(4).toNanos())).isEqualTo(Timers.Action.NONE);
        assertThat(t.due(now + Duration.ofMillis(5400).toNanos())).isEqualTo(Timers.Action.SEND_INITIATION);
        assertThat(t.due(now + Duration.ofSeconds(91).toNanos())).isEqualTo(Timers.Action.GIVE_UP);
        now = Duration.ofSeconds(100).toNanos();
        t.onHandshakeInitiated(now);
        t.onHandshakeComplete(now);
        assertThat(t.due(now)).isEqualTo(Timers.Action.NONE);
        assertThat(t.due(now + Duration.ofSeconds(25).toNanos())).isEqualTo(Timers.Action.SEND_KEEPALIVE);
        t.onKeepaliveSent(now + Duration.ofSeconds(25).toNanos());
        assertThat(t.due(now + Duration.ofSeconds(120).toNanos())).isEqualTo(Timers.Action.SEND_INITIATION);
        // Data sent and nothing back for KEEPALIVE + REKEY_TIMEOUT: a new handshake.
        long later = now + Duration.ofSeconds(30).toNanos();
        t.onDataSent(later);
        assertThat(t.due(later + Duration.ofSeconds(1).toNanos())).isEqualTo(Timers.Action.NONE);
        assertThat(t.due(now + Duration.ofSeconds(46).toNanos())).isEqualTo(Timers.Action.SEND_INITIATION);
    }
}
