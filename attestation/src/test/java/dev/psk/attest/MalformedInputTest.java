package dev.psk.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.eventlog.EventLog;
import dev.psk.attest.eventlog.EventLogBuilder;
import dev.psk.attest.policy.PcrPolicy;
import dev.psk.attest.tpm.AkKeys;
import dev.psk.attest.tpm.DerEcdsa;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.tpm.ToolsPcrFile;
import dev.psk.attest.tpm.TpmsAttest;
import dev.psk.attest.tpm.TpmtPublic;
import dev.psk.attest.tpm.TpmtSignature;
import dev.psk.attest.verify.Expectations;
import dev.psk.attest.verify.QuoteEvidence;
import dev.psk.attest.verify.QuoteVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized malformed input for every parser: truncations at every length, single bit
 * flips at every position, and random splices of real tpm2-tools output. Only
 * {@link TpmFormatException} may escape, and the verifier never throws at all. Complements
 * {@link ParserFuzzTest}: under JDK 25 Jazzer's coverage instrumentation did not take in this
 * build (its corpus stayed at one input), so these mutations carry the breadth.
 */
class MalformedInputTest {
    interface Parser {
        void parse(byte[] b) throws TpmFormatException;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = MalformedInputTest.class.getResourceAsStream("tools54/" + name)) {
            return in.readAllBytes();
        }
    }

    static void mutate(String what, byte[] valid, Parser p, long seed) {
        Function<byte[], Void> run = b -> {
            if (Arrays.equals(b, valid)) {
                return null; // a mutation that changed nothing is not malformed input
            }
            try {
                p.parse(b);
            } catch (TpmFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            } catch (RuntimeException e) {
                throw new AssertionError(what + ": " + e + " for input " + dev.psk.common.Hex.encode(b), e);
            }
            return null;
        };
        for (int len = 0; len < valid.length; len++) {
            run.apply(Arrays.copyOf(valid, len));
        }
        for (int i = 0; i < valid.length * 8; i++) {
            byte[] b = valid.clone();
            b[i / 8] ^= (byte) (1 << (i % 8));
            run.apply(b);
        }
        Random r = new Random(seed);
        for (int i = 0; i < 3000; i++) {
            byte[] b = valid.clone();
            int n = 1 + r.nextInt(4);
            for (int k = 0; k < n; k++) {
                int pos = r.nextInt(b.length);
                switch (r.nextInt(3)) {
                    case 0 -> b[pos] = (byte) r.nextInt(256);
                    case 1 -> b[pos] = (byte) 0xff;
                    default -> b = Arrays.copyOf(b, Math.max(0, b.length + r.nextInt(9) - 4));
                }
                if (b.length == 0) {
                    break;
                }
            }
            run.apply(b);
        }
    }

    @Test
    void tpmsAttest() throws IOException {
        mutate("TPMS_ATTEST", resource("q.msg"), TpmsAttest::unmarshal, 1);
        mutate("TPMS_ATTEST(2 banks)", resource("q2.msg"), TpmsAttest::unmarshal, 2);
    }

    @Test
    void tpmtSignatureAndDer() throws IOException {
        mutate("TPMT_SIGNATURE", resource("q.sig"), TpmtSignature::unmarshal, 3);
        TpmtSignature.Ecdsa e = (TpmtSignature.Ecdsa) unchecked(() -> TpmtSignature.unmarshal(resource("q.sig")));
        mutate("DER", DerEcdsa.encode(e.r(), e.s()), DerEcdsa::decode, 4);
    }

    @Test
    void pcrSelectionAndToolsFile() throws IOException {
        mutate(
                "TPML_PCR_SELECTION",
                Arrays.copyOfRange(resource("q2.msg"), 0x55, 0x55 + 18),
                PcrSelection::unmarshal,
                5);
        mutate("tpm2-tools PCR file", resource("q2.pcrs"), ToolsPcrFile::parse, 6);
    }

    @Test
    void eventLog() {
        byte[] log = new EventLogBuilder(List.of(HashAlg.SHA1, HashAlg.SHA256, HashAlg.SHA384))
                .startupLocality(3)
                .event(0, 8, "a".getBytes())
                .event(7, 0x800000e0, "secure boot".getBytes())
                .build();
        mutate("event log", log, EventLog::parse, 7);
    }

    @Test
    void tpmtPublicAndPolicy() {
        mutate(
                "TPMT_PUBLIC",
                TpmtPublic.eccAkTemplate(),
                b -> TpmtPublic.unmarshal(b).toPublicKey(),
                8);
        mutate(
                "TPMT_PUBLIC rsa",
                TpmtPublic.rsaAkTemplate(),
                b -> TpmtPublic.unmarshal(b).toPublicKey(),
                9);
        mutate(
                "policy",
                ("{\"description\":\"x\",\"pcrs\":{\"sha256\":{\"7\":\"" + "00".repeat(32) + "\"}}}")
                        .getBytes(StandardCharsets.UTF_8),
                PcrPolicy::parse,
                10);
    }

    @Test
    void akKeys() throws IOException {
        mutate("AK PEM", resource("ak.pem"), AkKeys::parse, 11);
    }

    @Test
    void verifierNeverThrows() throws Exception {
        byte[] msg = resource("q.msg");
        byte[] sig = resource("q.sig");
        byte[] pcrs = resource("q.pcrs");
        Expectations exp = Expectations.builder(
                        AkKeys.parse(resource("ak.pem")),
                        dev.psk.common.Hex.decode("0102030405060708"),
                        PcrSelection.parse("sha256:0-7"))
                .build();
        assertThat(QuoteVerifier.verify(new QuoteEvidence(msg, sig, pcrs), exp).line())
                .isEqualTo("ACCEPT");
        mutate(
                "verify(message)",
                msg,
                b -> assertThat(QuoteVerifier.verify(new QuoteEvidence(b, sig, pcrs), exp)
                                .accepted())
                        .as("mutated message accepted")
                        .isFalse(),
                12);
        mutate(
                "verify(signature)",
                sig,
                b -> assertThat(QuoteVerifier.verify(new QuoteEvidence(msg, b, pcrs), exp)
                                .accepted())
                        .as("mutated signature accepted")
                        .isFalse(),
                13);
    }

    @Test
    void specificMessages() {
        assertThatThrownBy(() -> TpmsAttest.unmarshal(
                        new byte[] {(byte) 0xff, 0x54, 0x43, 0x47, (byte) 0x80, 0x18, (byte) 0xff, (byte) 0xff}))
                .isInstanceOf(TpmFormatException.class)
                .hasMessage("TPMS_ATTEST: qualifiedSigner at offset 6 has size 65535, at most 66 allowed");
        assertThatThrownBy(() -> DerEcdsa.decode(dev.psk.common.Hex.decode("3007020200010201010000")))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining("SEQUENCE length");
        assertThatThrownBy(() -> DerEcdsa.decode(dev.psk.common.Hex.decode("300702020001020101")))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining("superfluous leading zero");
        assertThatThrownBy(() -> EventLog.parse(new byte[32]))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining("not a crypto-agile log");
        assertThatThrownBy(() -> TpmtSignature.unmarshal(dev.psk.common.Hex.decode("001a000b00000000")))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining("ECDAA");
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    static <T> T unchecked(ThrowingSupplier<T> s) {
        try {
            return s.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
