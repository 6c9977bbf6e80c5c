package dev.psk.attest.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.tpm.HashAlg;
import dev.psk.common.Hex;
import java.security.MessageDigest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** KDFa against the TPM reference implementation's own self-test vectors (KdfTestData.h), one per hash. */
class KdfTest {
    static final byte[] KEY = Hex.decode("271fa08bbdc5060ec3dfa928ff9b73123a12da0c");
    static final byte[] CONTEXT_U = Hex.decode("ce244f395dca7391");
    static final byte[] CONTEXT_V = Hex.decode("da504031ddf12e83");

    @ParameterizedTest
    @CsvSource({
        "SHA1,   55b5a7184aa07423c47dae766c26a2377d7cf851",
        "SHA256, bb0259e1c8ba607e6a2cd704b69a902e9ade84c4",
        "SHA384, 1dce70c9113eb2dba47bd9cfc72bf46f45b09312",
        "SHA512, 8be2c1b85b78569b9fa759f5857c56d684810fd3"
    })
    void kdfaMatchesTheReferenceSelfTest(HashAlg hash, String expected) {
        byte[] out = Kdf.kdfa(hash, KEY, "KDFSELFTESTLABEL", CONTEXT_U, CONTEXT_V, 160);
        assertThat(Hex.encode(out)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"SHA256", "SHA384"})
    void kdfaLongerThanOneBlockIsTheCounterSequence(HashAlg hash) {
        int bits = (hash.digestBytes() + 5) * 8;
        byte[] longer = Kdf.kdfa(hash, KEY, "STORAGE", CONTEXT_U, new byte[0], bits);
        // The first block depends on the requested length (it is hashed in), so only the size is checkable.
        assertThat(longer).hasSize(hash.digestBytes() + 5);
        assertThat(Kdf.kdfa(hash, KEY, "STORAGE", CONTEXT_U, new byte[0], bits)).isEqualTo(longer);
        assertThat(Kdf.kdfa(hash, KEY, "INTEGRITY", CONTEXT_U, new byte[0], bits))
                .isNotEqualTo(longer);
    }

    @ParameterizedTest
    @CsvSource({"SHA256", "SHA384"})
    void kdfeIsTheOneStepKdfWithTheLabelsZeroOctet(HashAlg hash) {
        byte[] z = Hex.decode("00112233445566778899aabbccddeeff");
        byte[] u = Hex.decode("0102");
        byte[] v = Hex.decode("0304");
        MessageDigest md = hash.newDigest();
        md.update(Hex.decode("00000001"));
        md.update(z);
        md.update("IDENTITY\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        md.update(u);
        md.update(v);
        assertThat(Kdf.kdfe(hash, z, "IDENTITY", u, v, hash.digestBytes() * 8)).isEqualTo(md.digest());
    }

    @ParameterizedTest
    @CsvSource({"0", "7", "-8"})
    void partialBytesAreRefused(int bits) {
        assertThatThrownBy(() -> Kdf.kdfa(HashAlg.SHA256, KEY, "X", new byte[0], new byte[0], bits))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
