package dev.psk.it.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.identity.testing.SoftHsm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples that need a PKCS#11 token ({@code psk-provision token|identity}, {@code
 * psk-keygen generate --source pkcs11:…}) run against SoftHSM2, one fresh token directory per
 * scenario; the scenario's examples that need nothing run too, in document order, since later
 * ones use what earlier ones wrote (identity files, signatures, pinned peers). A token named by a
 * {@code --source} URI is initialized first; {@code token init} in an example makes the others.
 */
@Tag("token")
class DocExamplesTokenTest {
    @TempDir
    Path dir;

    @Test
    void tokenExamplesRunAgainstSoftHsm2() throws Exception {
        Map<String, List<Example>> byScenario = ExampleSources.all().stream()
                .filter(ex -> List.of("none", "token").contains(DocExamplesTest.need(ex)))
                .collect(Collectors.groupingBy(Example::scenario, LinkedHashMap::new, Collectors.toList()));
        List<String> failed = new ArrayList<>();
        int ran = 0;
        int n = 0;
        for (var s : byScenario.entrySet()) {
            if (s.getValue().stream().noneMatch(ex -> DocExamplesTest.need(ex).equals("token"))) {
                continue;
            }
            try (SoftHsm hsm = new SoftHsm()) {
                hsm.activate();
                hsm.initToken("rng", ExampleRunner.SO_PIN, ExampleRunner.USER_PIN);
                ExampleRunner runner = new ExampleRunner(Files.createDirectory(dir.resolve("s" + n++)));
                for (Example ex : s.getValue()) {
                    ExampleRunner.Run r = runner.run(ex);
                    ran += DocExamplesTest.need(ex).equals("token") ? 1 : 0;
                    if (r.code() != 0) {
                        failed.add(ex + "\n    -> " + r);
                    }
                }
            }
        }
        assertThat(failed).as("examples that failed").isEmpty();
        assertThat(ran).isGreaterThan(10);
    }
}
