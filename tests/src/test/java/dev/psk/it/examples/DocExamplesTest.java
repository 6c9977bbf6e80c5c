package dev.psk.it.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example command of the four tools, in their {@code --help} and in README.md and
 * docs/*.md: each parses, and each that needs no root, token or TPM runs in-process and succeeds
 * (scenario by scenario: one document or one tool's help, in order, in one directory). Token
 * examples run in {@link DocExamplesTokenTest}; the rest are listed in {@link #NOT_RUN_HERE} with
 * the reason and where they do run.
 */
class DocExamplesTest {
    /** Examples this suite parses but does not run, by command, with the reason (reviewed). */
    static final Map<String, String> NOT_RUN_HERE = new LinkedHashMap<>();

    static {
        String tun = "needs root (TUN device, addresses, routes): tests/netns/first-hour.sh runs the"
                + " docs/deployment.md walkthrough, NetnsP2pTest and HandshakeNetnsTest the modes";
        NOT_RUN_HERE.put("psk-tunnel", tun);
        NOT_RUN_HERE.put("psk-tunnel show", "reads live tunnels: tests/netns/first-hour.sh runs it against two ends");
        String hub = "needs root (TUN device): HubNetnsTest runs a hub and two clients in namespaces";
        NOT_RUN_HERE.put("psk-tunnel hub server", hub);
        NOT_RUN_HERE.put("psk-tunnel hub client", hub);
        String tpm = "needs a TPM: TpmInteropTest, QuoterTpmTest and EnrolmentTpmTest (tag tpm) run these"
                + " commands against swtpm";
        for (String c : List.of(
                "quote", "verify", "pcrs", "policy", "enroll", "enroll-challenge", "enroll-respond", "enroll-finish")) {
            NOT_RUN_HERE.put("psk-attest " + c, tpm);
        }
        NOT_RUN_HERE.put(
                "atecc608a",
                "needs an ATECC608A and CryptoAuthLib's PKCS#11 module; Atecc608aProfileTest covers the profile");
    }

    @TempDir
    Path dir;

    /** What an example needs: none, token, or a key of {@link #NOT_RUN_HERE}. */
    static String need(Example ex) {
        String c = ex.command(ExampleRunner.subcommands(ex));
        if (ex.has("atecc608a")) {
            return "atecc608a";
        }
        if (c.startsWith("psk-tunnel") || c.startsWith("psk-attest")) {
            return c;
        }
        if (c.startsWith("psk-provision token")
                || c.startsWith("psk-provision identity")
                || ex.args().stream().anyMatch(a -> a.startsWith("pkcs11:"))) {
            return "token";
        }
        return "none";
    }

    @Test
    void examplesAreFoundInEveryToolsHelpAndInTheDocs() throws Exception {
        List<Example> all = ExampleSources.all();
        Set<String> scenarios = all.stream().map(Example::scenario).collect(Collectors.toSet());
        assertThat(scenarios)
                .contains(
                        "psk-keygen --help",
                        "psk-tunnel --help",
                        "psk-provision --help",
                        "psk-attest --help",
                        "README.md",
                        "docs/deployment.md",
                        "docs/hub.md",
                        "docs/keygen.md",
                        "docs/attestation.md");
        assertThat(all).hasSizeGreaterThan(80);
    }

    @Test
    void everyExampleParses() throws Exception {
        List<String> bad = new ArrayList<>();
        for (Example ex : ExampleSources.all()) {
            String err = ExampleRunner.parseError(ex);
            if (err != null) {
                bad.add(ex + "\n    -> " + err);
            }
        }
        assertThat(bad).as("examples that do not parse").isEmpty();
    }

    @Test
    void everyExampleRunsSomewhereAndTheExclusionListIsCurrent() throws Exception {
        Set<String> used = new TreeSet<>();
        for (Example ex : ExampleSources.all()) {
            String n = need(ex);
            if (!n.equals("none") && !n.equals("token")) {
                assertThat(NOT_RUN_HERE).as("no reason for not running " + ex).containsKey(n);
                used.add(n);
            }
        }
        assertThat(used).as("exclusions no example needs any more").isEqualTo(new TreeSet<>(NOT_RUN_HERE.keySet()));
    }

    @Test
    void examplesThatNeedNoRootTokenOrTpmRunAndSucceed() throws Exception {
        Map<String, List<Example>> byScenario = ExampleSources.all().stream()
                .filter(ex -> need(ex).equals("none"))
                .collect(Collectors.groupingBy(Example::scenario, LinkedHashMap::new, Collectors.toList()));
        assertThat(byScenario).containsKeys("psk-keygen --help", "psk-provision --help", "README.md", "docs/hub.md");
        List<String> failed = new ArrayList<>();
        int ran = 0;
        for (var s : byScenario.entrySet()) {
            ExampleRunner runner = new ExampleRunner(Files.createDirectory(dir.resolve("s" + ran)));
            for (Example ex : s.getValue()) {
                ExampleRunner.Run r = runner.run(ex);
                ran++;
                if (r.code() != 0) {
                    failed.add(ex + "\n    -> " + r);
                }
            }
        }
        assertThat(failed).as("examples that failed").isEmpty();
        assertThat(ran).isGreaterThan(30);
    }
}
