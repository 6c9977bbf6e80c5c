package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.cli.status.PeerFacts;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerSession;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The point-to-point peer's "last packet received": noted by the one-second tick, never per packet. */
class PointToPointFactsTest {
    private static final PeerSession NO_SESSION = new PeerSession() {
        @Override
        public int headerBytes() {
            return 0;
        }

        @Override
        public int tagBytes() {
            return 0;
        }

        @Override
        public DropReason seal(java.nio.ByteBuffer buf, int len, dev.psk.tunnel.crypto.PacketAead aead) {
            return DropReason.NO_SESSION;
        }

        @Override
        public DropReason open(java.nio.ByteBuffer buf, int len, dev.psk.tunnel.crypto.PacketAead aead) {
            return DropReason.NO_SESSION;
        }

        @Override
        public void close() {}
    };

    @Test
    void lastReceiveMovesOnlyWhenAuthenticPacketsArrive() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T10:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        Peer peer = new Peer("192.0.2.1", NO_SESSION, null, true);
        PointToPointFacts f = new PointToPointFacts(null, clock);
        f.sample(peer);
        assertThat(f.of(peer)).isEqualTo(new PeerFacts("192.0.2.1", null, null, null, java.util.List.of()));
        peer.counters().received(100);
        now.set(now.get().plusSeconds(5));
        f.sample(peer);
        Instant first = now.get();
        now.set(now.get().plusSeconds(7));
        f.sample(peer); // nothing new
        peer.counters().drop(DropReason.AEAD); // a forged packet is not a receive
        f.sample(peer);
        assertThat(f.of(peer).lastReceive()).isEqualTo(first);
        peer.counters().drop(DropReason.KEEPALIVE); // an authentic keepalive is
        f.sample(peer);
        assertThat(f.of(peer).lastReceive()).isEqualTo(now.get());
        assertThat(f.of(peer).latestHandshake()).as("--handshake off").isNull();
    }
}
