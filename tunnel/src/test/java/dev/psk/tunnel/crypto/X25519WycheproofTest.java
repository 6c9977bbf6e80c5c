package dev.psk.tunnel.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every Wycheproof X25519 case through every backend, one dynamic test per (backend, case): a case
 * with a non-zero shared secret must give exactly that secret; a case whose secret is all zeros
 * (a low-order public key) must be refused with {@link LowOrderPointException}. The file can be
 * replaced with {@code -Dwycheproof.x25519=FILE}.
 */
class X25519WycheproofTest {
    private static final byte[] ZERO = new byte[X25519.KEY_BYTES];

    record Case(int tcId, String comment, byte[] priv, byte[] pub, byte[] shared) {
        boolean lowOrder() {
            return Arrays.equals(shared, ZERO);
        }

        @Override
        public String toString() {
            return "tcId " + tcId + (comment.isEmpty() ? "" : " (" + comment + ")");
        }
    }

    static List<Case> cases() throws Exception {
        JsonNode root = JsonMapper.builder()
                .build()
                .readTree(Files.readString(SharedVectors.file("wycheproof.x25519", "wycheproof/x25519_test.json")));
        List<Case> cases = new ArrayList<>();
        for (JsonNode g : root.get("testGroups")) {
            for (JsonNode t : g.get("tests")) {
                cases.add(new Case(
                        t.get("tcId").asInt(),
                        t.get("comment").asString(),
                        Hex.decode(t.get("private").asString()),
                        Hex.decode(t.get("public").asString()),
                        Hex.decode(t.get("shared").asString())));
            }
        }
        return cases;
    }

    /** Null when the case passes, otherwise what went wrong. */
    static String check(X25519Backend backend, Case c) {
        try {
            byte[] out = X25519.scalarMult(backend, c.priv(), c.pub());
            if (c.lowOrder()) {
                return c + ": accepted a low-order point";
            }
            return Arrays.equals(out, c.shared()) ? null : c + ": got " + Hex.encode(out);
        } catch (LowOrderPointException e) {
            return c.lowOrder() ? null : c + ": refused as low order";
        } catch (RuntimeException e) {
            return c + ": " + e;
        }
    }

    @TestFactory
    Stream<DynamicNode> everyCaseOnEveryBackend() throws Exception {
        List<Case> cases = cases();
        return X25519Backends.all().stream()
                .map(b -> DynamicContainer.dynamicContainer(
                        b.name(),
                        cases.stream()
                                .map(c -> DynamicTest.dynamicTest(
                                        c.toString(),
                                        () -> assertThat(check(b, c)).isNull()))));
    }

    @Test
    void allBackendsPassEveryCaseAndRefuseTheLowOrderOnes() throws Exception {
        List<Case> cases = cases();
        long lowOrder = cases.stream().filter(Case::lowOrder).count();
        assertThat(cases).hasSizeGreaterThan(500);
        assertThat(lowOrder).as("low-order cases in the file").isGreaterThan(10);
        List<String> failed = new ArrayList<>();
        for (X25519Backend b : X25519Backends.all()) {
            for (Case c : cases) {
                String why = check(b, c);
                if (why != null) {
                    failed.add(b.name() + " " + why);
                }
            }
        }
        assertThat(failed).isEmpty();
    }

    @Test
    void theCheckCatchesAWrongAnswer() throws Exception {
        // A runner that cannot fail proves nothing: a corrupted expectation must be reported.
        Case good = cases().stream().filter(c -> !c.lowOrder()).findFirst().orElseThrow();
        byte[] wrong = good.shared().clone();
        wrong[0] ^= 1;
        Case bad = new Case(good.tcId(), "corrupted", good.priv(), good.pub(), wrong);
        for (X25519Backend b : X25519Backends.all()) {
            assertThat(check(b, bad)).contains("got");
            assertThatThrownBy(() -> X25519.scalarMult(b, good.priv(), ZERO))
                    .isInstanceOf(LowOrderPointException.class);
        }
    }
}
