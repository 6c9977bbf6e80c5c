package dev.psk.attest.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.Hex;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Codecs against tpm2-tools 5.4 output and the selection / address syntaxes. */
class StructuresTest {
    static byte[] resource(String name) throws Exception {
        try (InputStream in = StructuresTest.class.getResourceAsStream("/dev/psk/attest/tools54/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void parsesTpm2QuoteMessage() throws Exception {
        TpmsAttest a = TpmsAttest.unmarshal(resource("q.msg"));
        assertThat(a.magic()).isEqualTo(Tpm2.TPM_GENERATED_VALUE);
        assertThat(a.isQuote()).isTrue();
        assertThat(Hex.encode(a.extraData())).isEqualTo("0102030405060708");
        assertThat(a.quotePcrs()).hasToString("sha256:0,1,2,3,4,5,6,7");
        assertThat(Hex.encode(a.quotePcrDigest()))
                .isEqualTo("8eb10a2eed0318e85ac0edf06e17b46bf56eb50a2695535c874bec7f0a9b7c3e");
        assertThat(a.clockInfo().resetCount()).isEqualTo(1);
        assertThat(a.clockInfo().safe()).isTrue();
        assertThat(TpmsAttest.unmarshal(resource("q2.msg")).quotePcrs())
                .hasToString("sha256:0,1,2,3,4,5,6,7+sha1:0,16");
    }

    @Test
    void signatureRoundTrip() throws Exception {
        byte[] sig = resource("q.sig");
        TpmtSignature s = TpmtSignature.unmarshal(sig);
        assertThat(s).isInstanceOf(TpmtSignature.Ecdsa.class);
        assertThat(s.hash()).isEqualTo(HashAlg.SHA256);
        assertThat(TpmtSignature.marshal(s, 32)).isEqualTo(sig);
        TpmtSignature.Ecdsa e = (TpmtSignature.Ecdsa) s;
        assertThat(DerEcdsa.decode(DerEcdsa.encode(e.r(), e.s()))).containsExactly(e.r(), e.s());
    }

    @Test
    void shortEcdsaIntegersAreAccepted() throws Exception {
        // tpm2-tools notes r and s may be shorter than the coordinate size.
        TpmtSignature s = TpmtSignature.unmarshal(Hex.decode("0018000b0001050002abcd"));
        assertThat(((TpmtSignature.Ecdsa) s).r().intValue()).isEqualTo(5);
    }

    @Test
    void toolsPcrFileRoundTripsByteForByte() throws Exception {
        byte[] file = resource("q2.pcrs");
        ToolsPcrFile.Contents c = ToolsPcrFile.parse(file);
        assertThat(c.selection()).hasToString("sha256:0,1,2,3,4,5,6,7+sha1:0,16");
        assertThat(c.values()).hasSize(8 * 32 + 2 * 20);
        assertThat(ToolsPcrFile.write(c.selection(), c.values())).isEqualTo(file);
        assertThat(HashAlg.SHA256.hash(c.values()))
                .isEqualTo(TpmsAttest.unmarshal(resource("q2.msg")).quotePcrDigest());
    }

    @Test
    void selectionSyntax() {
        assertThat(PcrSelection.parse("sha256:0-7")).isEqualTo(PcrSelection.parse("sha256:0,1,2,3,4,5,6,7"));
        assertThat(PcrSelection.parse("sha1:0,16+sha256:1-3,7").banks()).hasSize(2);
        assertThat(PcrSelection.parse("SHA256:all").count()).isEqualTo(24);
        assertThat(PcrSelection.parse("sha256:0,1").valuesBytes()).isEqualTo(64);
        for (String bad : new String[] {
            "",
            "sha256",
            "sha256:",
            "md5:0",
            "sha256:24",
            "sha256:3-1",
            "sha256:0+sha256:1",
            "sha256:x",
            "sha256:0,,1",
            "sha256:-1"
        }) {
            assertThatThrownBy(() -> PcrSelection.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void selectionMarshalRoundTrip() throws Exception {
        PcrSelection s = PcrSelection.parse("sha256:0-7+sha1:16,23");
        TpmWriter w = new TpmWriter();
        s.marshal(w);
        assertThat(Hex.encode(w.toByteArray())).isEqualTo("00000002" + "000b03ff0000" + "0004030000" + "81");
        assertThat(PcrSelection.unmarshal(w.toByteArray())).isEqualTo(s);
    }

    @Test
    void addresses() {
        assertThat(TpmAddress.parse("swtpm:host=127.0.0.1,port=2321")).hasToString("swtpm:host=127.0.0.1,port=2321");
        assertThat(TpmAddress.parse("swtpm:port=4000").port()).isEqualTo(4000);
        assertThat(TpmAddress.parse("device").device()).isEqualTo(Path.of("/dev/tpmrm0"));
        assertThat(TpmAddress.parse("device:/dev/tpm0").device()).isEqualTo(Path.of("/dev/tpm0"));
        for (String bad : new String[] {"mssim:port=1", "swtpm:port=0", "swtpm:port=x", "swtpm:bogus=1", "tabrmd"}) {
            assertThatThrownBy(() -> TpmAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void akTemplatesParseAndNameIsNameAlgPlusHash() throws Exception {
        TpmtPublic ecc = TpmtPublic.unmarshal(TpmtPublic.eccAkTemplate());
        assertThat(ecc.type()).isEqualTo(Tpm2.TPM_ALG_ECC);
        assertThat(ecc.scheme()).isEqualTo(Tpm2.TPM_ALG_ECDSA);
        assertThat(ecc.attributes()).isEqualTo(0x00050072);
        assertThat(ecc.name()).hasSize(34).startsWith(0x00, 0x0b);
        TpmtPublic rsa = TpmtPublic.unmarshal(TpmtPublic.rsaAkTemplate());
        assertThat(rsa.curveOrBits()).isEqualTo(2048);
    }

    @Test
    void akKeyFormats() throws Exception {
        var pem = AkKeys.parse(resource("ak.pem"));
        assertThat(pem.getAlgorithm()).isEqualTo("EC");
        assertThat(AkKeys.parse(pem.getEncoded())).isEqualTo(pem);
        assertThat(AkKeys.parse(AkKeys.toPem(pem).getBytes())).isEqualTo(pem);
        assertThatThrownBy(() -> AkKeys.parse("-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----\n".getBytes()))
                .isInstanceOf(dev.psk.attest.TpmFormatException.class);
    }
}
