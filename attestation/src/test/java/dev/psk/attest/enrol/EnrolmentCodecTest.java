package dev.psk.attest.enrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.credential.Credential;
import dev.psk.attest.tpm.EkTemplate;
import dev.psk.attest.tpm.TpmWriter;
import dev.psk.attest.tpm.TpmtPublic;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The enrolment files: round trips, and every kind of malformed input refused with a typed exception. */
class EnrolmentCodecTest {
    static final String ID = "00112233445566778899aabbccddeeff";

    static TpmtPublic ak() throws Exception {
        byte[] t = TpmtPublic.eccAkTemplate();
        TpmWriter w = new TpmWriter().bytes(Arrays.copyOf(t, t.length - 4));
        // A real P-256 point: the (0, 0) used before is not on the curve, which the parser refuses.
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        ECPoint p = ((ECPublicKey) g.generateKeyPair().getPublic()).getW();
        w.tpm2b(fixed32(p.getAffineX())).tpm2b(fixed32(p.getAffineY()));
        return TpmtPublic.unmarshal(w.toByteArray());
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    static TpmtPublic ek() throws Exception {
        return TpmtPublic.unmarshal(EkTemplate.ECC_P256.template());
    }

    @Test
    void roundTrips() throws Exception {
        TpmtPublic ak = ak();
        EnrolmentRequest r = new EnrolmentRequest(new byte[] {0x30, 0}, ek(), ak, ak.name());
        EnrolmentRequest r2 = EnrolmentCodec.decodeRequest(EnrolmentCodec.encodeRequest(r));
        assertThat(r2.akPublic()).isEqualTo(ak);
        assertThat(r2.ekPublic()).isEqualTo(r.ekPublic());
        assertThat(r2.akName()).isEqualTo(ak.name());
        assertThat(r2.ekCertificate()).isEqualTo(r.ekCertificate());

        EnrolmentChallenge c = new EnrolmentChallenge(ID, new Credential(new byte[] {1, 2}, new byte[] {3}));
        EnrolmentChallenge c2 = EnrolmentCodec.decodeChallenge(EnrolmentCodec.encodeChallenge(c));
        assertThat(c2.id()).isEqualTo(ID);
        assertThat(c2.credential().idObject()).containsExactly(1, 2);

        EnrolmentAnswer a =
                EnrolmentCodec.decodeAnswer(EnrolmentCodec.encodeAnswer(new EnrolmentAnswer(ID, new byte[] {9})));
        assertThat(a.proof()).containsExactly(9);

        AkRecord rec = new AkRecord(
                ak, new byte[32], "CN=ca", "2", ek().name(), "id:00001014", "swtpm", "id:1", Instant.EPOCH);
        byte[] json = EnrolmentCodec.encodeRecord(rec);
        assertThat(EnrolmentCodec.decodeRecord(json).akPublic()).isEqualTo(ak);
        // The record is a pinned AK wherever an AK file is read.
        assertThat(PinnedAk.parse(json)).isEqualTo(ak.toPublicKey());
    }

    @Test
    void malformedFilesAreRefusedByName() throws Exception {
        TpmtPublic ak = ak();
        String good = new String(
                EnrolmentCodec.encodeRequest(new EnrolmentRequest(new byte[] {1}, ek(), ak, ak.name())),
                StandardCharsets.UTF_8);
        refused(good.replace("\"enrolment-request\"", "\"enrolment-answer\""), "type");
        refused(good.replace("\"version\" : 1", "\"version\" : 2"), "version");
        refused(good.replace("\"akName\"", "\"extra\" : \"x\", \"akName\""), "unknown field");
        refused(good.replaceAll("\"akName\" : \"[^\"]*\",", ""), "missing");
        refused(good.replace("\"akAttributes\" : \"0x", "\"akAttributes\" : \"0x1"), "akAttributes");
        refused(good.replaceFirst("\"ekCertificate\" : \"[^\"]*\"", "\"ekCertificate\" : \"!!\""), "base64");
        refused(good.replaceFirst("\"ekCertificate\" : \"[^\"]*\"", "\"ekCertificate\" : 5"), "string");
        refused(good.replaceFirst("\"akPublic\" : \"[^\"]*\"", "\"akPublic\" : \"AAAA\""), "akPublic");
        refused(good.replaceFirst("\"akName\" : \"[^\"]*\"", "\"akName\" : \"xyz\""), "hex");
        refused("[]", "object");
        refused("{", "JSON");
        refused("", "object");
        refused(" ".repeat(EnrolmentCodec.MAX_BYTES + 1), "larger");
        for (int cut = 0; cut < good.length(); cut += 13) {
            String t = good.substring(0, cut);
            assertThatThrownBy(() -> EnrolmentCodec.decodeRequest(t.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(TpmFormatException.class);
        }
        assertThatThrownBy(() -> EnrolmentCodec.decodeAnswer(
                        "{\"type\":\"enrolment-answer\",\"version\":1,\"id\":\"../x\",\"proof\":\"AA==\"}"
                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("id");
    }

    @Test
    void recordWhoseNameDoesNotFitItsKeyIsRefused() throws Exception {
        AkRecord rec = new AkRecord(ak(), new byte[32], "CN=ca", "2", ek().name(), "m", "m", "v", Instant.EPOCH);
        String json = new String(EnrolmentCodec.encodeRecord(rec), StandardCharsets.UTF_8);
        String forged = json.replaceFirst("\"akName\" : \"000b", "\"akName\" : \"000c");
        assertThatThrownBy(() -> EnrolmentCodec.decodeRecord(forged.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("akName");
        assertThatThrownBy(() -> PinnedAk.parse(forged.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(TpmFormatException.class);
    }

    static void refused(String json, String why) {
        assertThatThrownBy(() -> EnrolmentCodec.decodeRequest(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining(why);
    }
}
