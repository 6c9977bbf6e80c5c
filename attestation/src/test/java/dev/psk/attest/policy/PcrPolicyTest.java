package dev.psk.attest.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.ClockInfo;
import dev.psk.attest.tpm.HashAlg;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcrPolicyTest {
    static final String Z32 = "00".repeat(32);

    static PcrPolicy parse(String json) throws TpmFormatException {
        return PcrPolicy.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTrips() throws Exception {
        PcrPolicy p = PcrPolicy.of(
                "golden",
                Map.of(
                        HashAlg.SHA256,
                        Map.of(7, new byte[32], 0, new byte[32]),
                        HashAlg.SHA1,
                        Map.of(0, new byte[20])));
        PcrPolicy back = PcrPolicy.parse(p.toJson().getBytes(StandardCharsets.UTF_8));
        assertThat(back.toJson()).isEqualTo(p.toJson());
        assertThat(back.selection()).hasToString("sha1:0+sha256:0,7");
        assertThat(p.toJson()).contains("\"description\" : \"golden\"");
    }

    @Test
    void rejectsMalformedPolicies() {
        String[] bad = {
            "",
            "[]",
            "{}",
            "{\"pcrs\":{}}",
            "{\"pcrs\":{\"md5\":{\"0\":\"" + Z32 + "\"}}}",
            "{\"pcrs\":{\"sha256\":{\"24\":\"" + Z32 + "\"}}}",
            "{\"pcrs\":{\"sha256\":{\"0\":\"00\"}}}",
            "{\"pcrs\":{\"sha256\":{\"0\":5}}}",
            "{\"pcrs\":{\"sha256\":{\"x\":\"" + Z32 + "\"}}}",
            "{\"pcrs\":{\"sha256\":{\"0\":\"zz\"}}}",
            "{\"pcrs\":{\"sha256\":{\"0\":\"" + Z32 + "\"}},\"extra\":1}",
            "{\"pcrs\":{\"sha256\":{\"0\":\"" + Z32 + "\"}},\"description\":7}",
            "{\"pcrs\":{\"sha256\":{}}}"
        };
        for (String b : bad) {
            assertThatThrownBy(() -> parse(b))
                    .as(b)
                    .isInstanceOf(TpmFormatException.class)
                    .hasMessageStartingWith("policy: ");
        }
    }

    @Test
    void clockRecordFileAndOrdering(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("last-seen.json");
        assertThat(ClockRecord.read(f)).isEmpty();
        new ClockRecord(5, 2, 99).write(f);
        ClockRecord r = ClockRecord.read(f).orElseThrow();
        assertThat(r).isEqualTo(new ClockRecord(5, 2, 99));
        assertThat(r.regression(new ClockInfo(0, 6, 0, true))).isNull();
        assertThat(r.regression(new ClockInfo(0, 5, 2, true))).isNull();
        assertThat(r.regression(new ClockInfo(0, 5, 1, true))).contains("restartCount 1");
        assertThat(r.regression(new ClockInfo(0, 4, 9, true))).contains("resetCount 4");
        Files.writeString(f, "{\"resetCount\": -1}");
        assertThatThrownBy(() -> ClockRecord.read(f)).isInstanceOf(TpmFormatException.class);
    }
}
