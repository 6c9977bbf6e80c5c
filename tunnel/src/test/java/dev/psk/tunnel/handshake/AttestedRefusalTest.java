package dev.psk.tunnel.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.crypto.AeadBackend;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerDirectory;
import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.session.Psk2Session;
import dev.psk.tunnel.session.SessionKeyring;
import dev.psk.tunnel.testing.MemoryTun;
import dev.psk.tunnel.testing.TestPads;
import dev.psk.tunnel.wire.Role;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15: in attested mode the initiator sends its quote in CONFIRM, so it learns only afterwards
 * (an authenticated REJECT) that the verifier refused it. It must then say so, never log
 * "established", and its stop summary must agree with the verifier's ("0 completed, N refused").
 */
class AttestedRefusalTest {
    @TempDir
    Path dir;

    final List<AutoCloseable> open = new ArrayList<>();
    final List<String> logA = new CopyOnWriteArrayList<>();
    final List<String> logB = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        Collections.reverse(open);
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    record End(HandshakeService hs, Peer peer, InetSocketAddress addr, Device device) {}

    End end(String name, Path pad, Role role, InetSocketAddress remote, HandshakeConfig cfg, List<String> log)
            throws Exception {
        PadFile p = PadFile.open(pad);
        SessionKeyring keyring = new SessionKeyring(role == Role.INITIATOR, HandshakeWire.KEY_GRACE.toNanos());
        Psk2Session session = Psk2Session.open(p, dir.resolve(name + ".state"), role, 4096, keyring, log::add);
        Peer peer = new Peer(name, session, remote, false);
        UdpSocket sock = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0), 1 << 20);
        Device dev = new Device(
                new MemoryTun("at" + name, 1400, 64), sock, PeerDirectory.single(peer), AeadBackend.JCE, log::add);
        HandshakeService hs = HandshakeService.leveled(
                cfg, peer, role == Role.INITIATOR ? remote : null, keyring, (s, m) -> log.add(s + " " + m));
        open.add(dev);
        open.add(hs);
        return new End(hs, peer, sock.localAddress(), dev);
    }

    /** A (initiator) quotes; B (responder) checks the quote with {@code verdict}. */
    End[] attested(QuoteChecker verdict) throws Exception {
        HandshakeFixture.SoftIdentity idA = new HandshakeFixture.SoftIdentity();
        HandshakeFixture.SoftIdentity idB = new HandshakeFixture.SoftIdentity();
        Path pad = TestPads.create(dir, "pad", 50, 21);
        QuoteSource tpm = nonce -> new QuoteSection(nonce.clone(), new byte[64], new byte[64]);
        HandshakeDeviceTest.Relay relay = new HandshakeDeviceTest.Relay();
        open.add(relay);
        HandshakeKeys keys = HandshakeKeys.fromPad(PadFile.open(pad));
        HandshakeConfig cfgA = new HandshakeConfig(
                HandshakeMode.ATTESTED,
                keys,
                idA,
                new HandshakeFixture.Pins().pin(idB.id, idB.pair.getPublic(), true, "verifier"),
                tpm,
                null,
                InstantSource.system(),
                new SecureRandom());
        HandshakeConfig cfgB = new HandshakeConfig(
                HandshakeMode.ATTESTED,
                keys,
                idB,
                new HandshakeFixture.Pins().pin(idA.id, idA.pair.getPublic(), true, "attester"),
                null,
                verdict,
                InstantSource.system(),
                new SecureRandom());
        End b = end("b", pad, Role.RESPONDER, relay.address(), cfgB, logB);
        End a = end("a", TestPads.create(dir, "padA", 50, 21), Role.INITIATOR, relay.address(), cfgA, logA);
        relay.a = a.addr();
        relay.b = b.addr();
        b.device().start();
        b.hs().start(b.device());
        a.device().start();
        a.hs().start(a.device());
        return new End[] {a, b};
    }

    @Test
    void theRefusedEndSaysSoAndCountsWhatTheVerifierCounts() throws Exception {
        End[] e = attested((id, nonce, q) -> "PCR 7 differs from the policy");
        End a = e[0], b = e[1];
        // Two attempts (the initiator retries 5 s after a refusal).
        assertThat(HandshakeDeviceTest.waitFor(() -> a.hs().counters().refusedByPeer() >= 1))
                .as("%s", logA)
                .isTrue();
        Thread.sleep(HandshakeService.RETRY_AFTER_FAILURE.toMillis() + 1000);
        b.hs().close();
        a.hs().close();
        long refused = a.hs().counters().refusedByPeer();
        assertThat(refused).isGreaterThanOrEqualTo(2);
        assertThat(logA).noneMatch(l -> l.contains("established")).noneMatch(l -> l.contains("rekeyed"));
        assertThat(logA)
                .filteredOn(l -> l.contains("refused us"))
                .hasSize((int) refused)
                .allMatch(l -> l.startsWith("WARNING handshake: peer ")
                        && l.endsWith("refused us: TPM quote does not satisfy the policy"));
        assertThat(logA).noneMatch(l -> l.contains("data stopped")).as("no data ever flowed under the refused key");
        assertThat(a.hs().counters().completed()).isZero();
        assertThat(logA.getLast())
                .startsWith("INFO handshake: 0 completed, " + refused + " refused (" + refused + " by the peer)");
        assertThat(logB.getLast()).startsWith("INFO handshake: 0 completed, " + refused + " refused, ");
        assertThat(a.peer().dataAllowed()).isFalse();
    }

    @Test
    void anAcceptedQuoteIsEstablishedOnceTheVerifierAnswers() throws Exception {
        End[] e = attested((id, nonce, q) -> null);
        End a = e[0], b = e[1];
        assertThat(HandshakeDeviceTest.waitFor(() -> a.hs().counters().completed() == 1))
                .as("%s", logA)
                .isTrue();
        assertThat(b.hs().counters().completed()).isEqualTo(1);
        assertThat(logA)
                .filteredOn(l -> l.contains("established"))
                .singleElement()
                .asString()
                .startsWith("INFO handshake: established with ")
                .contains("(verifier), mode attested");
        assertThat(a.hs().counters().refusedByPeer()).isZero();
    }
}
