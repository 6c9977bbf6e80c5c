package dev.psk.attest.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.AttestException;
import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.HashAlg;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLogTest {
    static byte[] extend(HashAlg h, byte[] pcr, byte[] digest) {
        byte[] b = Arrays.copyOf(pcr, pcr.length + digest.length);
        System.arraycopy(digest, 0, b, pcr.length, digest.length);
        return h.hash(b);
    }

    @Test
    void replaysEveryBankAndSkipsNoAction() throws Exception {
        byte[] log = new EventLogBuilder(List.of(HashAlg.SHA1, HashAlg.SHA256, HashAlg.SHA384))
                .event(7, 0x800000e0, "db".getBytes())
                .event(7, 4, "sep".getBytes())
                .event(7, EventLog.EV_NO_ACTION, "note".getBytes())
                .build();
        EventLog parsed = EventLog.parse(log);
        assertThat(parsed.events()).hasSize(3);
        for (HashAlg h : List.of(HashAlg.SHA1, HashAlg.SHA256, HashAlg.SHA384)) {
            byte[] want =
                    extend(h, extend(h, new byte[h.digestBytes()], h.hash("db".getBytes())), h.hash("sep".getBytes()));
            byte[][] pcrs = EventLogReplay.replay(parsed, h);
            assertThat(pcrs[7]).isEqualTo(want);
            assertThat(pcrs[0]).isEqualTo(new byte[h.digestBytes()]);
        }
        assertThatThrownBy(() -> EventLogReplay.replay(parsed, HashAlg.SHA512))
                .isInstanceOf(AttestException.class)
                .hasMessageContaining("no sha512 bank");
    }

    @Test
    void startupLocalitySetsPcr0Start() throws Exception {
        EventLog parsed = EventLog.parse(new EventLogBuilder(List.of(HashAlg.SHA256))
                .startupLocality(3)
                .event(0, 8, "crtm".getBytes())
                .build());
        assertThat(parsed.startupLocality()).isEqualTo(3);
        byte[] start = new byte[32];
        start[31] = 3;
        assertThat(EventLogReplay.replay(parsed, HashAlg.SHA256)[0])
                .isEqualTo(extend(HashAlg.SHA256, start, HashAlg.SHA256.hash("crtm".getBytes())));
    }

    @Test
    void rejectsStructuralErrors() {
        byte[] good = new EventLogBuilder(List.of(HashAlg.SHA256))
                .event(1, 8, "x".getBytes())
                .build();
        byte[] badSpec = good.clone();
        badSpec[32] = 'X'; // inside "Spec ID Event03"
        assertThatThrownBy(() -> EventLog.parse(badSpec))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining("Spec ID Event03");
        byte[] badPcr = good.clone();
        int firstEvent = good.length - (4 + 4 + 4 + 2 + 32 + 4 + 1);
        badPcr[firstEvent] = 30;
        assertThatThrownBy(() -> EventLog.parse(badPcr))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining("expected 0-23");
        byte[] badAlg = good.clone();
        badAlg[firstEvent + 12] = 0x0c; // digest alg sha384, not declared
        assertThatThrownBy(() -> EventLog.parse(badAlg))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining("not declared");
        assertThatThrownBy(() -> EventLog.parse(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(TpmFormatException.class);
    }
}
