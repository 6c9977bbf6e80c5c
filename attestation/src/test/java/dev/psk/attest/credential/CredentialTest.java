package dev.psk.attest.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.EkTemplate;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmWriter;
import dev.psk.attest.tpm.TpmtPublic;
import dev.psk.common.Hex;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MakeCredential without a TPM: the structure the verifier produces, opened with a software RSA
 * "EK" by the steps of TPM 2.0 Part 1 §24 (the TPM tests show the real TPM agrees); the checks on
 * the protector key; tpm2-tools' credential file, round trip and malformed.
 */
class CredentialTest {
    static KeyPair rsa;
    static TpmtPublic ek;
    static final byte[] NAME = Hex.decode("000b" + "11".repeat(32));

    @BeforeAll
    static void key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
        byte[] template = EkTemplate.RSA_2048.template();
        TpmWriter w = new TpmWriter().bytes(Arrays.copyOf(template, template.length - 258));
        w.tpm2b(unsigned(((RSAPublicKey) rsa.getPublic()).getModulus()));
        ek = TpmtPublic.unmarshal(w.toByteArray());
    }

    @Test
    void softwareEkOpensWhatTheVerifierMade() throws Exception {
        byte[] secret = Hex.decode("5ec7e7".repeat(10) + "00ff");
        Credential c = CredentialMaker.make(ek, NAME, secret);
        assertThat(open(c, NAME)).isEqualTo(secret);
        // Another Name fails the integrity HMAC: the credential is bound to the AK.
        byte[] other = NAME.clone();
        other[5] ^= 1;
        assertThatThrownBy(() -> open(c, other)).hasMessageContaining("integrity");
        // Fresh seed every time.
        assertThat(CredentialMaker.make(ek, NAME, secret).idObject()).isNotEqualTo(c.idObject());
    }

    @Test
    void protectorMustBeARestrictedAesCfbDecryptionKey() throws Exception {
        assertThatThrownBy(() -> CredentialMaker.make(
                        withAttributes(ek, ek.attributes() & ~Tpm2.TPMA_OBJECT_RESTRICTED), NAME, new byte[32]))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining("restricted decryption");
        assertThatThrownBy(() -> CredentialMaker.make(
                        withAttributes(ek, ek.attributes() | Tpm2.TPMA_OBJECT_SIGN), NAME, new byte[32]))
                .isInstanceOf(TpmFormatException.class);
        assertThatThrownBy(() -> CredentialMaker.make(ek, NAME, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CredentialMaker.make(ek, NAME, new byte[33]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toolsFileRoundTripsAndRejectsMalformedInput() throws Exception {
        Credential c = CredentialMaker.make(ek, NAME, new byte[32]);
        byte[] f = c.toToolsFile();
        assertThat(Hex.encode(f)).startsWith("badcc0de00000001");
        Credential back = Credential.fromToolsFile(f);
        assertThat(back.idObject()).isEqualTo(c.idObject());
        assertThat(back.encryptedSecret()).isEqualTo(c.encryptedSecret());

        byte[] badMagic = f.clone();
        badMagic[0] = 0;
        assertThatThrownBy(() -> Credential.fromToolsFile(badMagic)).hasMessageContaining("magic");
        byte[] badVersion = f.clone();
        badVersion[7] = 2;
        assertThatThrownBy(() -> Credential.fromToolsFile(badVersion)).hasMessageContaining("version");
        for (int cut = 0; cut < f.length; cut += 7) {
            byte[] t = Arrays.copyOf(f, cut);
            assertThatThrownBy(() -> Credential.fromToolsFile(t)).isInstanceOf(TpmFormatException.class);
        }
        byte[] trailing = Arrays.copyOf(f, f.length + 1);
        assertThatThrownBy(() -> Credential.fromToolsFile(trailing)).hasMessageContaining("trailing");
        byte[] huge = new TpmWriter().u32(0xbadcc0de).u32(1).u16(0xffff).toByteArray();
        assertThatThrownBy(() -> Credential.fromToolsFile(huge)).hasMessageContaining("at most");
    }

    /** TPM2_ActivateCredential's steps, in software, with the RSA private key. */
    static byte[] open(Credential c, byte[] name) throws Exception {
        HashAlg h = HashAlg.SHA256;
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        oaep.init(
                Cipher.DECRYPT_MODE,
                (RSAPrivateKey) rsa.getPrivate(),
                new OAEPParameterSpec(
                        "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified("IDENTITY\0".getBytes())));
        byte[] seed = oaep.doFinal(c.encryptedSecret());
        int hmacLen = ((c.idObject()[0] & 0xff) << 8) | (c.idObject()[1] & 0xff);
        byte[] integrity = Arrays.copyOfRange(c.idObject(), 2, 2 + hmacLen);
        byte[] encIdentity = Arrays.copyOfRange(c.idObject(), 2 + hmacLen, c.idObject().length);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Kdf.kdfa(h, seed, "INTEGRITY", new byte[0], new byte[0], 256), "HmacSHA256"));
        mac.update(encIdentity);
        if (!Arrays.equals(mac.doFinal(name), integrity)) {
            throw new IllegalStateException("integrity check failed");
        }
        Cipher aes = Cipher.getInstance("AES/CFB/NoPadding");
        aes.init(
                Cipher.DECRYPT_MODE,
                new SecretKeySpec(Kdf.kdfa(h, seed, "STORAGE", name, new byte[0], 128), "AES"),
                new IvParameterSpec(new byte[16]));
        byte[] plain = aes.doFinal(encIdentity);
        int n = ((plain[0] & 0xff) << 8) | (plain[1] & 0xff);
        return Arrays.copyOfRange(plain, 2, 2 + n);
    }

    static TpmtPublic withAttributes(TpmtPublic p, int attributes) throws Exception {
        byte[] raw = p.raw().clone();
        raw[4] = (byte) (attributes >>> 24);
        raw[5] = (byte) (attributes >>> 16);
        raw[6] = (byte) (attributes >>> 8);
        raw[7] = (byte) attributes;
        return TpmtPublic.unmarshal(raw);
    }

    static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }
}
