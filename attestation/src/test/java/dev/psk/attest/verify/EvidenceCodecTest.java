package dev.psk.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.TpmFormatException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EvidenceCodecTest {
    @Test
    void roundTripsAndRejectsMalformed() throws Exception {
        QuoteEvidence e = new QuoteEvidence(new byte[] {1, 2, 3}, new byte[] {4}, new byte[32]);
        byte[] enc = EvidenceCodec.encode(e);
        assertThat(enc).hasSize(1 + 2 + 3 + 2 + 1 + 2 + 32);
        QuoteEvidence d = EvidenceCodec.decode(enc);
        assertThat(d.attest()).isEqualTo(e.attest());
        assertThat(d.signature()).isEqualTo(e.signature());
        assertThat(d.pcrValues()).isEqualTo(e.pcrValues());
        assertThat(d.eventLog()).isNull();
        for (int len = 0; len < enc.length; len++) {
            byte[] cut = Arrays.copyOf(enc, len);
            assertThatThrownBy(() -> EvidenceCodec.decode(cut)).isInstanceOf(TpmFormatException.class);
        }
        byte[] trailing = Arrays.copyOf(enc, enc.length + 1);
        assertThatThrownBy(() -> EvidenceCodec.decode(trailing))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining("trailing");
        byte[] v2 = enc.clone();
        v2[0] = 2;
        assertThatThrownBy(() -> EvidenceCodec.decode(v2))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining("version");
    }
}
