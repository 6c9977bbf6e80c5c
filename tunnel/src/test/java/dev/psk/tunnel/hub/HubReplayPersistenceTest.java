package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.testing.MemoryTun;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay protection across restarts and reloads (issue #13 item 4); removed clients' state is freed. */
class HubReplayPersistenceTest extends HubHarness {
    @TempDir
    Path dir;

    HubServer hubOn(UdpSocket sock, Path timestamps) throws Exception {
        HubServer h = new HubServer(
                config(List.of(alice, bob)),
                MemoryTun.forwarding("hub", "10.77.0.1"),
                sock,
                HubServer.Options.defaults(),
                System::nanoTime);
        h.persistTimestamps(timestamps);
        h.start();
        return h;
    }

    @Test
    void aMessage1AcceptedBeforeARestartIsRefusedAfterIt() throws Exception {
        Path file = dir.resolve("hub.timestamps");
        UdpSocket sock = socket();
        port = sock.localAddress().getPort();
        byte[] captured = message1(alice, hubKeys, 1);
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            HubServer first = hubOn(sock, file);
            try {
                ch.send(ByteBuffer.wrap(captured), new InetSocketAddress("127.0.0.1", port));
                await(() -> first.counters().handshakesCompleted.get() == 1, 3000);
            } finally {
                first.close();
            }
            assertThat(Files.readString(file))
                    .startsWith("psk-hub-timestamps 2\n")
                    .contains(alice.keys().pubB64());
            assertThat(Files.getPosixFilePermissions(file).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");

            UdpSocket again = UdpSocket.bind(new InetSocketAddress("127.0.0.1", port), 1 << 20);
            HubServer second = hubOn(again, file);
            open.add(second);
            ch.send(ByteBuffer.wrap(captured), new InetSocketAddress("127.0.0.1", port));
            await(() -> second.counters().drops(HubDropReason.REPLAYED_INITIATION) == 1, 3000);
            assertThat(second.counters().handshakesCompleted.get()).isZero();
        }
    }

    @Test
    void aCorruptTimestampFileIsRefusedNamingTheLine() throws Exception {
        Path file = dir.resolve("hub.timestamps");
        Files.writeString(file, "psk-hub-timestamps 1\n" + alice.keys().pubB64() + " 00zz\n");
        TimestampStore s = new TimestampStore();
        assertThatThrownBy(() -> s.persistTo(file)).hasMessageContaining("line 2");
        Files.writeString(file, "something else\n");
        assertThatThrownBy(() -> s.persistTo(file)).hasMessageContaining("line 1");
    }

    @Test
    void aRemovedClientsStateIsFreedAndItsOldMessage1StaysRefused() throws Exception {
        startHub(List.of(alice, bob), HubServer.Options.defaults());
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            byte[] bobs = message1(bob, hubKeys, 5);
            ch.send(ByteBuffer.wrap(bobs), to);
            await(() -> hub.counters().handshakesCompleted.get() == 1, 3000);
            assertThat(hub.clientStates()).isEqualTo(2);
            int peersBefore = hub.device().peers().peers().size();
            // The handshake cached bob's static-static DH: the right value, and only until removal.
            ClientState bobState = hub.clientStateForTesting(bob.keys().pub());
            byte[] cached = bobState.cachedStaticStaticForTesting();
            assertThat(cached)
                    .isEqualTo(X25519.scalarMult(hubKeys.priv(), bob.keys().pub()));
            assertThat(hub.clientStateForTesting(alice.keys().pub()).cachedStaticStaticForTesting())
                    .isNull();

            hub.reload(config(List.of(alice)));
            assertThat(cached).containsOnly(0);
            assertThat(bobState.cachedStaticStaticForTesting()).isNull();
            assertThat(hub.clientStates()).isEqualTo(1);
            assertThat(hub.device().peers().peers()).hasSize(peersBefore - 1);
            assertThat(hub.sessionCount()).isZero();

            hub.reload(config(List.of(alice, bob)));
            ch.send(ByteBuffer.wrap(bobs), to);
            await(() -> hub.counters().drops(HubDropReason.REPLAYED_INITIATION) == 1, 3000);
        }
    }
}
