package dev.psk.identity.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.identity.testing.SoftHsm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Pkcs11Token against a real SoftHSM2 token in a private directory. */
@Tag("token")
class SoftHsmTokenTest {
    private static final String PIN = "user-pin-4711";
    private static SoftHsm hsm;
    private static Path pinFile;

    @BeforeAll
    static void setUp() throws Exception {
        hsm = new SoftHsm().activate();
        hsm.initToken("alpha", "so-pin-0815", PIN);
        hsm.initToken("beta", "so-pin-0815", PIN);
        pinFile = hsm.dir().resolve("pin");
        Files.writeString(pinFile, PIN + "\n");
    }

    @AfterAll
    static void tearDown() throws Exception {
        hsm.close();
    }

    private static Pkcs11Uri uri(String s) throws Pkcs11UriException {
        return Pkcs11Uri.parse(s);
    }

    @Test
    void generatesANonExtractableKeyFindsItByLabelAndIdAndSigns() throws Exception {
        try (Pkcs11Token t = Pkcs11Token.open(uri(hsm.uri("alpha")), PinSource.file(pinFile))) {
            assertThat(t.info().label()).isEqualTo("alpha");
            assertThat(t.loggedIn()).isTrue();
            TokenKey k = t.generateEcP256("device-1", new byte[] {1, 2, 3, 4});
            KeyAttributes attrs = t.attributes(k);
            assertThat(attrs.hardwareBound()).as(attrs.asMap().toString()).isTrue();
            assertThat(attrs.violations()).isEmpty();
            ECPublicKey pub = t.publicKey(k);

            TokenKey byLabel = t.findKey(uri("pkcs11:object=device-1;type=private"));
            TokenKey byId = t.findKey(uri("pkcs11:id=%01%02%03%04"));
            assertThat(byLabel.privateHandle()).isEqualTo(k.privateHandle()).isEqualTo(byId.privateHandle());
            assertThat(t.publicKey(byLabel).getW()).isEqualTo(pub.getW());

            byte[] msg = "transcript".getBytes();
            byte[] rs = t.signEcdsa(k, MessageDigest.getInstance("SHA-256").digest(msg), msg);
            assertThat(rs).hasSize(64);
            Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
            v.initVerify(pub);
            v.update(msg);
            assertThat(v.verify(rs)).isTrue();

            // export attempts: the value is sensitive, and the protection cannot be lowered
            assertThat(t.objects().attribute(k.privateHandle(), Ck.CKA_VALUE)).isNull();
            assertThat(t.objects().attributeReturnValue(k.privateHandle(), Ck.CKA_VALUE))
                    .isEqualTo(Ck.CKR_ATTRIBUTE_SENSITIVE);

            assertEveryExportAttemptFails(t, k, false);
            assertThat(t.attributes(k).hardwareBound()).isTrue();

            assertThatThrownBy(() -> t.findKey(uri("pkcs11:object=nope")))
                    .isInstanceOf(Pkcs11Exception.KeyNotFoundException.class)
                    .hasMessageContaining("'device-1'");
        }
    }

    /**
     * The ways PKCS#11 offers to get a private key out, each tried and each refused: read
     * CKA_VALUE, lower CKA_SENSITIVE, raise CKA_EXTRACTABLE, copy into an extractable object, wrap
     * under a fresh AES key. {@code tokenAcceptsAttributeChanges}: tpm2-pkcs11 1.9 answers CKR_OK to
     * setting CKA_EXTRACTABLE to true and CKA_SENSITIVE to false (PKCS#11 section 4.9 forbids both);
     * the key still cannot be read or wrapped (the TPM object is fixedTPM), and
     * CKA_NEVER_EXTRACTABLE / CKA_ALWAYS_SENSITIVE stay true, which is what this then checks.
     */
    static void assertEveryExportAttemptFails(Pkcs11Token t, TokenKey k, boolean tokenAcceptsAttributeChanges)
            throws Exception {
        TokenObjects objects = t.objects();
        Cryptoki ck = objects.cryptoki();
        long s = objects.session();
        long h = k.privateHandle();
        assertThat(objects.attribute(h, Ck.CKA_VALUE)).isNull();
        assertThat(objects.attributeReturnValue(h, Ck.CKA_VALUE))
                .isIn(Ck.CKR_ATTRIBUTE_SENSITIVE, Ck.CKR_ATTRIBUTE_TYPE_INVALID);
        try (Arena a = Arena.ofConfined()) {
            Template insensitive = new Template().bool(Ck.CKA_SENSITIVE, false);
            long lowered = ck.call(Cryptoki.Fn.C_SetAttributeValue, s, h, insensitive.allocate(a), 1L);
            Template extractable = new Template().bool(Ck.CKA_EXTRACTABLE, true);
            MemorySegment copy = a.allocate(ValueLayout.JAVA_LONG);
            long rv = ck.call(Cryptoki.Fn.C_CopyObject, s, h, extractable.allocate(a), 1L, copy);
            assertThat(rv).isNotEqualTo(Ck.CKR_OK);
            rv = ck.call(Cryptoki.Fn.C_SetAttributeValue, s, h, extractable.allocate(a), 1L);
            if (tokenAcceptsAttributeChanges) {
                assertThat(t.attributes(k).neverExtractable()).contains(true);
                assertThat(t.attributes(k).alwaysSensitive()).contains(true);
                assertThat(objects.attribute(h, Ck.CKA_VALUE)).isNull();
            } else {
                assertThat(lowered).isNotEqualTo(Ck.CKR_OK);
                assertThat(rv).isNotEqualTo(Ck.CKR_OK);
            }

            MemorySegment mech = a.allocate(Ck.MECHANISM_BYTES, 8);
            mech.set(ValueLayout.JAVA_LONG, 0, Ck.CKM_AES_KEY_GEN);
            Template aes = new Template()
                    .ulong(Ck.CKA_CLASS, Ck.CKO_SECRET_KEY)
                    .ulong(Ck.CKA_KEY_TYPE, Ck.CKK_AES)
                    .ulong(Ck.CKA_VALUE_LEN, 32)
                    .bool(Ck.CKA_TOKEN, false)
                    .bool(Ck.CKA_WRAP, true);
            MemorySegment wrapKey = a.allocate(ValueLayout.JAVA_LONG);
            rv = ck.call(Cryptoki.Fn.C_GenerateKey, s, mech, aes.allocate(a), (long) aes.size(), wrapKey);
            if (rv == Ck.CKR_OK) {
                mech.set(ValueLayout.JAVA_LONG, 0, Ck.CKM_AES_KEY_WRAP_PAD);
                MemorySegment out = a.allocate(4096);
                MemorySegment outLen = a.allocate(ValueLayout.JAVA_LONG);
                outLen.set(ValueLayout.JAVA_LONG, 0, 4096L);
                rv = ck.call(Cryptoki.Fn.C_WrapKey, s, mech, wrapKey.get(ValueLayout.JAVA_LONG, 0), h, out, outLen);
                assertThat(rv).as(Ck.rvName(rv)).isNotEqualTo(Ck.CKR_OK);
            }
        }
        assertThat(objects.attribute(h, Ck.CKA_VALUE)).isNull();
    }

    @Test
    void randomComesFromTheTokenWithoutLogin() throws Exception {
        try (Pkcs11Token t = Pkcs11Token.open(uri(hsm.uri("beta")), PinSource.none())) {
            assertThat(t.loggedIn()).isFalse();
            byte[] a = new byte[10_000];
            t.random().nextBytes(a);
            byte[] b = new byte[10_000];
            t.random().nextBytes(b);
            assertThat(a).isNotEqualTo(b).isNotEqualTo(new byte[10_000]);
        }
    }

    @Test
    void wrongPinIsAPinExceptionWithoutThePin() throws Exception {
        Path wrong = hsm.dir().resolve("wrong-pin");
        Files.writeString(wrong, "not-the-pin-99\n");
        assertThatThrownBy(() -> Pkcs11Token.open(uri(hsm.uri("alpha")), PinSource.file(wrong)))
                .isInstanceOf(Pkcs11Exception.PinException.class)
                .hasMessageContaining("CKR_PIN_INCORRECT")
                .hasMessageContaining("'alpha'")
                .hasMessageNotContaining("not-the-pin");
    }

    @Test
    void unknownTokenListsTheTokensPresent() {
        assertThatThrownBy(() -> Pkcs11Token.open(uri(hsm.uri("gamma")), PinSource.none()))
                .isInstanceOf(Pkcs11Exception.TokenNotFoundException.class)
                .hasMessageContaining("token=gamma")
                .hasMessageContaining("'alpha'")
                .hasMessageContaining("'beta'");
        assertThatThrownBy(() -> Pkcs11Token.open(uri("pkcs11:?module-path=" + SoftHsm.MODULE), PinSource.none()))
                .isInstanceOf(Pkcs11Exception.TokenNotFoundException.class)
                .hasMessageContaining("2 tokens match");
    }

    @Test
    void missingModuleAndMissingPinFileAreNamed() {
        assertThatThrownBy(() ->
                        Pkcs11Token.open(uri("pkcs11:token=a?module-path=/nonexistent/libx.so"), PinSource.none()))
                .isInstanceOf(Pkcs11Exception.ModuleException.class)
                .hasMessageContaining("/nonexistent/libx.so: no such file");
        assertThatThrownBy(() -> Pkcs11Token.open(uri("pkcs11:token=a?module-path=/etc/hostname"), PinSource.none()))
                .isInstanceOf(Pkcs11Exception.ModuleException.class)
                .hasMessageContaining("not a shared library (no ELF header)");
        assertThatThrownBy(() -> Pkcs11Token.open(
                        uri(hsm.uri("alpha")), PinSource.file(hsm.dir().resolve("absent"))))
                .isInstanceOf(Pkcs11Exception.PinException.class)
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> Pkcs11Token.open(
                        uri("pkcs11:token=alpha?module-name=softhsm2&pin-source=file:" + hsm.dir()), PinSource.none()))
                .isInstanceOf(Pkcs11Exception.PinException.class)
                .hasMessageContaining("is a directory");
    }

    @Test
    void moduleNameFindsSoftHsm() throws Exception {
        try (Pkcs11Token t = Pkcs11Token.open(uri("pkcs11:token=beta?module-name=softhsm2"), PinSource.none())) {
            assertThat(t.modulePath()).isEqualTo(SoftHsm.MODULE);
            assertThat(HexFormat.of().formatHex(new byte[0])).isEmpty();
        }
    }
}
