package dev.psk.tunnel.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.handshake.LoopbackEnds.End;
import dev.psk.tunnel.handshake.LoopbackEnds.Pair;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.testing.TestPads;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
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

    final LoopbackEnds ends = new LoopbackEnds();
    final List<String> logA = new CopyOnWriteArrayList<>();
    final List<String> logB = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        ends.close();
    }

    /** A (initiator) quotes; B (responder) checks the quote with {@code verdict}. */
    Pair attested(QuoteChecker verdict) throws Exception {
        HandshakeFixture.SoftIdentity idA = new HandshakeFixture.SoftIdentity();
        HandshakeFixture.SoftIdentity idB = new HandshakeFixture.SoftIdentity();
        Path pad = TestPads.create(dir, "pad", 50, 21);
        QuoteSource tpm = nonce -> new QuoteSection(nonce.clone(), new byte[64], new byte[64]);
        HandshakeKeys keys = HandshakeKeys.fromPad(PadFile.open(pad));
        HandshakeConfig cfgA = config(keys, idA, new HandshakeFixture.Pins().pin(idB, "verifier"), tpm, null);
        HandshakeConfig cfgB = config(keys, idB, new HandshakeFixture.Pins().pin(idA, "attester"), null, verdict);
        Path padA = TestPads.create(dir, "padA", 50, 21);
        return ends.start(
                dir,
                new LoopbackEnds.Side("a", padA, p -> cfgA, logA, LoopbackEnds.withSeverity(logA)),
                new LoopbackEnds.Side("b", pad, p -> cfgB, logB, LoopbackEnds.withSeverity(logB)),
                HandshakeWire.REKEY_AFTER);
    }

    /** Attested mode: {@code quotes} for the attester (A), {@code checker} for the verifier (B). */
    static HandshakeConfig config(
            HandshakeKeys keys, LocalIdentity self, PeerTrust trust, QuoteSource quotes, QuoteChecker checker) {
        return new HandshakeConfig(
                HandshakeMode.ATTESTED, keys, self, trust, quotes, checker, InstantSource.system(), new SecureRandom());
    }

    @Test
    void theRefusedEndSaysSoAndCountsWhatTheVerifierCounts() throws Exception {
        Pair e = attested((id, nonce, q) -> "PCR 7 differs from the policy");
        End a = e.a(), b = e.b();
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
        Pair e = attested((id, nonce, q) -> null);
        End a = e.a(), b = e.b();
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
