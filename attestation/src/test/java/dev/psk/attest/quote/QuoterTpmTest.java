package dev.psk.attest.quote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.Swtpm;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.tpm.Tpm;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmAddress;
import dev.psk.attest.tpm.TpmException;
import dev.psk.attest.tpm.TpmTransport;
import dev.psk.attest.verify.Expectations;
import dev.psk.attest.verify.QuoteEvidence;
import dev.psk.attest.verify.QuoteVerifier;
import dev.psk.common.Hex;
import java.nio.ByteBuffer;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The command layer and Quoter against a private swtpm: raw protocol, flushing on every path, persistent AKs. */
@Tag("tpm")
class QuoterTpmTest {
    static Swtpm tpm;
    static final byte[] NONCE = Hex.decode("00112233445566778899aabbccddeeff");
    static final PcrSelection SEL = PcrSelection.parse("sha256:0-7+sha384:0,1");

    @BeforeAll
    static void start() throws Exception {
        tpm = Swtpm.start();
    }

    @AfterAll
    static void stop() {
        if (tpm != null) {
            tpm.close();
        }
    }

    @Test
    void swtpmDataPortSpeaksRawTpmCommands() throws Exception {
        // TPM2_GetRandom(8): tag 0x8001, size 12, cc 0x17b, bytesRequested 8 — no framing around it.
        try (TpmTransport t = TpmAddress.parse(tpm.address()).open()) {
            byte[] resp = t.transact(Hex.decode("80010000000c0000017b0008"));
            ByteBuffer b = ByteBuffer.wrap(resp);
            assertThat(b.getShort() & 0xffff).isEqualTo(Tpm2.TPM_ST_NO_SESSIONS);
            assertThat(b.getInt()).isEqualTo(resp.length).isEqualTo(10 + 2 + 8);
            assertThat(b.getInt()).as("response code").isZero();
            assertThat(b.getShort()).isEqualTo((short) 8);
        }
    }

    @Test
    void eccAndRsaQuotesVerifyAndLeaveNoTransientObject() throws Exception {
        for (AkSource ak : new AkSource[] {AkSource.ecc(), AkSource.rsa()}) {
            Quote q = Quoter.quote(tpm.address(), ak, NONCE, SEL);
            assertThat(q.ak()).isInstanceOf(ak instanceof AkSource.EccPrimary ? ECPublicKey.class : RSAPublicKey.class);
            var v = QuoteVerifier.verify(
                    new QuoteEvidence(q.attest(), q.signature(), q.pcrValues()),
                    Expectations.builder(q.ak(), NONCE, SEL).build());
            assertThat(v.line()).isEqualTo("ACCEPT");
            assertThat(tpm.transientObjects()).isZero();
        }
        assertThat(Quoter.akPublic(tpm.address(), AkSource.ecc())
                        .sameKey(Quoter.quote(tpm.address(), AkSource.ecc(), NONCE, SEL)
                                .ak()))
                .isTrue();
        assertThat(tpm.transientObjects()).isZero();
    }

    @Test
    void flushesTheAkWhenTheQuoteFails() throws Exception {
        try (TpmTransport real = TpmAddress.parse(tpm.address()).open();
                Tpm failing = new Tpm(new FailingOnQuote(real))) {
            assertThatThrownBy(() -> Quoter.quote(failing, AkSource.ecc(), NONCE, SEL))
                    .isInstanceOf(TpmException.class)
                    .hasMessageContaining("injected");
        }
        assertThat(tpm.transientObjects()).isZero();
    }

    @Test
    void persistentAkIsUsedAndKept() throws Exception {
        tpm.toolOk(
                "tpm2_createprimary",
                "-C",
                "e",
                "-G",
                "ecc256:ecdsa-sha256:null",
                "-a",
                "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign",
                "-c",
                "pak.ctx");
        tpm.toolOk("tpm2_evictcontrol", "-C", "o", "-c", "pak.ctx", "0x81010077");
        Quote q = Quoter.quote(tpm.address(), new AkSource.Persistent(0x81010077), NONCE, SEL);
        assertThat(QuoteVerifier.verify(
                                new QuoteEvidence(q.attest(), q.signature(), q.pcrValues()),
                                Expectations.builder(q.ak(), NONCE, SEL).build())
                        .accepted())
                .isTrue();
        assertThat(tpm.toolOk("tpm2_getcap", "handles-persistent")).contains("0x81010077");
        assertThatThrownBy(() -> Quoter.quote(tpm.address(), new AkSource.Persistent(0x81010078), NONCE, SEL))
                .isInstanceOf(TpmException.class)
                .hasMessageContaining("TPM2_ReadPublic failed");
        assertThat(tpm.transientObjects()).isZero();
    }

    @Test
    void unrestrictedPersistentKeyIsRefused() throws Exception {
        tpm.toolOk(
                "tpm2_createprimary",
                "-C",
                "o",
                "-G",
                "ecc256:ecdsa-sha256:null",
                "-a",
                "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign",
                "-c",
                "signer.ctx");
        tpm.toolOk("tpm2_evictcontrol", "-C", "o", "-c", "signer.ctx", "0x81010079");
        assertThatThrownBy(() -> Quoter.quote(tpm.address(), new AkSource.Persistent(0x81010079), NONCE, SEL))
                .isInstanceOf(dev.psk.attest.TpmFormatException.class)
                .hasMessageContaining("0x81010079: AK: objectAttributes");
        assertThat(tpm.transientObjects()).isZero();
    }

    @Test
    void unreachableTpmIsATypedError() {
        assertThatThrownBy(() -> Quoter.quote("swtpm:host=127.0.0.1,port=1", AkSource.ecc(), NONCE, SEL))
                .isInstanceOf(TpmException.class)
                .hasMessageContaining("cannot connect to swtpm at 127.0.0.1:1");
        assertThatThrownBy(() -> Quoter.quote("device:/nonexistent/tpmrm0", AkSource.ecc(), NONCE, SEL))
                .isInstanceOf(TpmException.class)
                .hasMessageContaining("cannot open TPM device /nonexistent/tpmrm0");
    }

    /** Passes commands through, but fails TPM2_Quote after the AK was created. */
    record FailingOnQuote(TpmTransport inner) implements TpmTransport {
        @Override
        public byte[] transact(byte[] command) throws TpmException {
            int cc = ByteBuffer.wrap(command, 6, 4).getInt();
            if (cc == Tpm2.TPM_CC_QUOTE) {
                throw new TpmException("injected transport failure");
            }
            return inner.transact(command);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
