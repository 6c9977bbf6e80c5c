package dev.psk.tunnel.hub;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the configuration parsers: any input either parses or fails with {@link ConfigException},
 * never another exception. In {@code mvn verify} the {@code @FuzzTest} replays its seed corpus
 * (src/test/resources/dev/psk/tunnel/hub/HubConfigFuzzTestInputs); a seeded mutation test also runs
 * thousands of mutated valid configurations, so the property is exercised even without fuzzing.
 */
class HubConfigFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parsersFailOnlyWithConfigException(byte[] data) {
        check(new String(data, StandardCharsets.UTF_8));
    }

    static void check(String json) {
        try {
            HubConfigParser.parseServer(json, "fuzz");
        } catch (ConfigException expected) {
            // the one allowed failure
        }
        try {
            HubConfigParser.parseClient(json, "fuzz");
        } catch (ConfigException expected) {
            // the one allowed failure
        }
    }

    @Test
    void seededMutationsOfValidConfigs() {
        HubFixtures.Keys hub = HubFixtures.Keys.generate();
        HubFixtures.Client a =
                new HubFixtures.Client("alice", HubFixtures.Keys.generate(), HubFixtures.psk(), "10.77.0.2", true);
        HubFixtures.Client b =
                new HubFixtures.Client("bob", HubFixtures.Keys.generate(), HubFixtures.psk(), "10.77.0.3", true);
        String[] seeds = {
            HubFixtures.serverJson(hub, 51820, java.util.List.of(a, b), java.util.Map.of()),
            HubFixtures.clientJson(a, hub, 51820)
        };
        Random r = new Random(0x5eed);
        String alphabet = "{}[]\":,0123456789/.-abcdefAZ+= \\tnul";
        for (int i = 0; i < 600; i++) {
            StringBuilder s = new StringBuilder(seeds[i % 2]);
            int edits = 1 + r.nextInt(4);
            for (int e = 0; e < edits && s.length() > 0; e++) {
                int pos = r.nextInt(s.length());
                switch (r.nextInt(3)) {
                    case 0 -> s.deleteCharAt(pos);
                    case 1 -> s.insert(pos, alphabet.charAt(r.nextInt(alphabet.length())));
                    default -> s.setCharAt(pos, alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            check(s.toString());
        }
    }
}
