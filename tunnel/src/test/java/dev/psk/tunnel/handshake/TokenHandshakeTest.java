package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.testing.Processes;
import dev.psk.identity.IdentityId;
import dev.psk.identity.PinnedPeer;
import dev.psk.identity.PinnedPeers;
import dev.psk.identity.pkcs11.PinSource;
import dev.psk.identity.pkcs11.Pkcs11Token;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.TokenSigner;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Signed handshakes with identity keys inside SoftHSM2 tokens (real PKCS#11 through the identity
 * library), pins read from a real pinned-peers file: pinned → established; not pinned, disabled, or
 * a different key generated under the same label → refused with the reason on both sides.
 */
@Tag("token")
class TokenHandshakeTest {
    static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";
    static final InetSocketAddress A = new InetSocketAddress("10.9.0.1", 5000);
    static final InetSocketAddress B = new InetSocketAddress("10.9.0.2", 6000);
    static Path dir;
    static final List<AutoCloseable> open = new ArrayList<>();
    static TokenIdentity laptop;
    static TokenIdentity pi;
    static TokenIdentity laptopRekeyed;

    @BeforeAll
    static void tokens() throws Throwable {
        dir = Files.createTempDirectory("psk-hs-softhsm-");
        Path tokens = Files.createDirectory(dir.resolve("tokens"));
        Path conf = dir.resolve("softhsm2.conf");
        Files.writeString(
                conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        setenv("SOFTHSM2_CONF", conf.toString());
        Files.writeString(dir.resolve("pin"), "4321\n");
        for (String label : List.of("hs-laptop", "hs-pi", "hs-laptop2")) {
            Processes.run(
                            List.of(
                                    "softhsm2-util",
                                    "--init-token",
                                    "--free",
                                    "--label",
                                    label,
                                    "--so-pin",
                                    "87654321",
                                    "--pin",
                                    "4321"),
                            Map.of("SOFTHSM2_CONF", conf.toString()),
                            null,
                            Duration.ofMinutes(1))
                    .requireSuccess("softhsm2-util --init-token");
        }
        laptop = identity("hs-laptop");
        pi = identity("hs-pi");
        laptopRekeyed = identity("hs-laptop2");
    }

    /** Generates "identity" on the token and opens a signer for it by URI, as --identity would. */
    static TokenIdentity identity(String token) throws Exception {
        String base = "pkcs11:token=" + token + ";object=identity?module-path=" + MODULE;
        try (Pkcs11Token t = Pkcs11Token.open(Pkcs11Uri.parse(base), PinSource.file(dir.resolve("pin")))) {
            t.generateEcP256("identity", new byte[] {1});
        }
        TokenIdentity id = new TokenIdentity(
                TokenSigner.open(Pkcs11Uri.parse(base), PinSource.file(dir.resolve("pin"))), new byte[0]);
        open.add(id);
        return id;
    }

    static void setenv(String name, String value) throws Throwable {
        var setenv = Linker.nativeLinker()
                .downcallHandle(
                        Linker.nativeLinker().defaultLookup().find("setenv").orElseThrow(),
                        FunctionDescriptor.of(
                                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        try (Arena a = Arena.ofConfined()) {
            int rc = (int) setenv.invokeExact(a.allocateFrom(name), a.allocateFrom(value), 1);
            assertThat(rc).isZero();
        }
    }

    @AfterAll
    static void cleanup() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    /** Writes a pinned-peers file the way an operator would and loads it back. */
    static PinnedPeerTrust pins(String name, TokenIdentity who, boolean enabled) throws Exception {
        PinnedPeers peers = PinnedPeers.empty()
                .with(PinnedPeer.create(name, IdentityId.of(who.publicKey()), who.publicKey(), enabled));
        Path file = dir.resolve(name + ".peers");
        peers.save(file);
        return new PinnedPeerTrust(PinnedPeers.load(file), null);
    }

    final Network net = new Network();
    final Recorder ei = new Recorder();
    final Recorder er = new Recorder();

    void run(LocalIdentity initiatorId, PeerTrust responderPins) throws Exception {
        ManualClock clock = new ManualClock();
        byte[] slot = controlSlot(11);
        Initiator init = new Initiator(
                new HandshakeConfig(
                        HandshakeMode.SIGNED,
                        HandshakeKeys.fromControlSlot(slot),
                        initiatorId,
                        pins("pi", pi, true),
                        null,
                        null,
                        clock,
                        new SecureRandom()),
                net.endpoint(A),
                ei,
                new HandshakeCounters());
        Responder resp = new Responder(
                new HandshakeConfig(
                        HandshakeMode.SIGNED,
                        HandshakeKeys.fromControlSlot(slot),
                        pi,
                        responderPins,
                        null,
                        null,
                        clock,
                        new SecureRandom()),
                net.endpoint(B),
                er,
                new HandshakeCounters());
        init.start(B);
        for (int i = 0; i < 20 && !net.queue.isEmpty(); i++) {
            Datagram d = net.queue.poll();
            if (d.to().equals(B)) {
                resp.receive(d.from(), d.bytes(), d.bytes().length);
            } else {
                init.receive(d.from(), d.bytes(), d.bytes().length);
            }
        }
    }

    @Test
    void pinnedTokenIdentitiesEstablish() throws Exception {
        run(laptop, pins("laptop", laptop, true));
        assertThat(er.lines).containsExactly("established " + A);
        assertThat(er.boundIdentity).isEqualTo(laptop.identityId());
        assertThat(ei.boundIdentity).isEqualTo(pi.identityId());
    }

    @Test
    void unpinnedIsRefused() throws Exception {
        run(laptop, pins("someone-else", pi, true));
        assertThat(er.lines).containsExactly("refused peer: UNKNOWN_IDENTITY");
        assertThat(ei.lines).containsExactly("refused by peer: UNKNOWN_IDENTITY");
    }

    @Test
    void disabledIsRefused() throws Exception {
        run(laptop, pins("laptop", laptop, false));
        assertThat(er.lines).containsExactly("refused peer: DISABLED_IDENTITY");
        assertThat(ei.lines).containsExactly("refused by peer: DISABLED_IDENTITY");
    }

    @Test
    void differentKeyUnderTheSameLabelIsRefused() throws Exception {
        // hs-laptop2 holds a key labelled "identity" too, but it is not the pinned one.
        run(laptopRekeyed, pins("laptop", laptop, true));
        assertThat(er.lines).containsExactly("refused peer: UNKNOWN_IDENTITY");
        // Claiming the pinned identity_id while signing with the other key fails the signature.
        LocalIdentity impostor = new LocalIdentity() {
            public byte[] identityId() {
                return laptop.identityId();
            }

            public boolean canSign() {
                return true;
            }

            public byte[] sign(byte[] t) throws dev.psk.common.PskException {
                return laptopRekeyed.sign(t);
            }
        };
        er.lines.clear();
        ei.lines.clear();
        run(impostor, pins("laptop", laptop, true));
        assertThat(er.lines).containsExactly("refused peer: BAD_SIGNATURE");
        assertThat(ei.lines).contains("refused by peer: BAD_SIGNATURE");
    }
}
