package dev.psk.identity.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import dev.psk.common.testing.VectorCases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Pkcs11UriTest {

    /** Every RFC 7512 section 3.3 example parses, and parse(format(u)) == u with a stable format. */
    @TestFactory
    Stream<DynamicTest> rfc7512ExamplesParseAndRoundTrip() throws Exception {
        Path file = SharedVectors.file("psk.vectors.pkcs11uri", "rfc/rfc7512_pkcs11_uri_examples.txt");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Integer> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank() && !lines.get(i).startsWith("#")) {
                examples.add(i);
            }
        }
        assertThat(examples).as("examples in " + file).hasSize(13);
        return VectorCases.of(file, examples, i -> "line " + (i + 1), i -> {
            Pkcs11Uri u = Pkcs11Uri.parse(lines.get(i));
            String f = u.format();
            Pkcs11Uri again = Pkcs11Uri.parse(f);
            assertThat(again).isEqualTo(u);
            assertThat(again.format()).isEqualTo(f);
        });
    }

    @Test
    void decodesTheRfcExampleAttributes() throws Exception {
        Pkcs11Uri u = Pkcs11Uri.parse(
                "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;"
                        + "model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=?pin-source=file:/etc/token_pin");
        assertThat(u.token()).contains("The Software PKCS#11 Softtoken");
        assertThat(u.manufacturer()).contains("Snake Oil, Inc.");
        assertThat(u.model()).contains("1.0");
        assertThat(u.type()).contains("cert");
        assertThat(Hex.encode(u.id().orElseThrow())).isEqualTo("69953e5cf4bdec91");
        assertThat(u.serial()).contains("");
        assertThat(u.pinSource()).contains("file:/etc/token_pin");

        Pkcs11Uri v = Pkcs11Uri.parse("pkcs11:token=my-token;object=my-certificate;type=cert;vendor-aaa=value-a"
                + "?pin-source=file:/etc/token_pin&vendor-bbb=value-b");
        assertThat(v.vendorPathAttributes()).containsExactly(java.util.Map.entry("vendor-aaa", "value-a"));
        assertThat(v.vendorQueryAttributes()).containsExactly(java.util.Map.entry("vendor-bbb", "value-b"));

        Pkcs11Uri w = Pkcs11Uri.parse(
                "pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=my-certificate;type=cert");
        assertThat(w.token()).contains("Name with a small A with acute: \u00e1");
        assertThat(Pkcs11Uri.parse("pkcs11:token=A%20name%20with%20a%20substring%20%25%3B")
                        .token())
                .contains("A name with a substring %;");
    }

    @Test
    void formatEncodesWhatTheGrammarForbidsAndAlwaysEncodesId() throws Exception {
        Pkcs11Uri u = Pkcs11Uri.builder()
                .path("token", "a b;c%d/e?")
                .id(new byte[] {0x41, 0x00})
                .path("object", "k")
                .query("module-path", "/usr/lib/x.so")
                .build();
        assertThat(u.format())
                .isEqualTo("pkcs11:token=a%20b%3Bc%25d%2Fe%3F;id=%41%00;object=k?module-path=/usr/lib/x.so");
        assertThat(Pkcs11Uri.parse(u.format())).isEqualTo(u);
    }

    @Test
    void pinValueIsRedactedInToStringAndNeverInErrors() throws Exception {
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:token=t?pin-value=s3cr3t-pin");
        assertThat(u.hasPinValue()).isTrue();
        assertThat(new String(u.pinValue().orElseThrow())).isEqualTo("s3cr3t-pin");
        assertThat(u.toString()).doesNotContain("s3cr3t").contains("pin-value=REDACTED");
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:token=t?pin-value=s3cr^t"))
                .hasMessageNotContaining("s3cr")
                .hasMessageNotContaining("^");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "pkcs:token=a | 5 | pk11-URI",
                "http://x | 1 | pk11-URI",
                "pkcs11:token | 13 | pk11-pattr",
                "pkcs11:=a | 8 | pk11-pattr",
                "pkcs11:token=a;; | 16 | pk11-pattr",
                "pkcs11:token=a b | 15 | pk11-pchar",
                "pkcs11:token=a/b | 15 | pk11-pchar",
                "pkcs11:token=%4 | 14 | pct-encoded",
                "pkcs11:token=%zz | 14 | pct-encoded",
                "pkcs11:token=a;token=b | 16 | pk11-pattr",
                "pkcs11:type=secret | 13 | pk11-type",
                "pkcs11:slot-id=x1 | 16 | pk11-slot-id",
                "pkcs11:slot-id=99999999999999999999999 | 16 | pk11-slot-id",
                "pkcs11:library-version=1.2.3 | 24 | pk11-lib-ver",
                "pkcs11:token=%FF%FE | 14 | pk11-token",
                "pkcs11:?pin-value=a&pin-source=file:/x | 21 | pk11-query",
                "pkcs11:?module-path=/a b | 23 | pk11-qchar",
                "pkcs11:?=x | 9 | pk11-qattr",
                "pkcs11:tok\u00e9n=a | 11 | pk11-pattr",
            })
    void malformedUrisNameThePositionAndTheRule(String input, int position, String rule) {
        assertThatThrownBy(() -> Pkcs11Uri.parse(input)).isInstanceOfSatisfying(Pkcs11UriException.class, e -> {
            assertThat(e.position()).isEqualTo(position);
            assertThat(e.getMessage()).contains("at position " + position).contains("RFC 7512 " + rule);
        });
    }

    /**
     * Seeded random mutations of valid URIs: the parser either accepts (and then round-trips) or
     * throws Pkcs11UriException with an in-range position; nothing else escapes.
     */
    @Test
    void randomMutationsNeverEscapeTheTypedError() throws Exception {
        String[] seeds = {
            "pkcs11:token=My%20token;object=k;type=private;id=%01%02?module-path=/usr/lib/x.so&pin-source=file:/p",
            "pkcs11:slot-id=3;library-version=1.2?pin-value=x",
            "pkcs11:"
        };
        String alphabet = "pkcs11:;?&=%/ abcXYZ019-_.~[]@!$'()*+,|#\u00e9\u0000";
        Random r = new Random(7512);
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder(seeds[r.nextInt(seeds.length)]);
            int edits = 1 + r.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = sb.isEmpty() ? 0 : r.nextInt(sb.length() + 1);
                switch (r.nextInt(3)) {
                    case 0 -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    case 1 -> {
                        if (at < sb.length()) sb.deleteCharAt(at);
                    }
                    default -> {
                        if (at < sb.length()) sb.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    }
                }
            }
            String s = sb.toString();
            try {
                Pkcs11Uri u = Pkcs11Uri.parse(s);
                assertThat(Pkcs11Uri.parse(u.format())).as(s).isEqualTo(u);
                accepted++;
            } catch (Pkcs11UriException e) {
                assertThat(e.position()).as(s).isBetween(1, s.length() + 1);
            }
        }
        assertThat(accepted).isPositive();
    }
}
