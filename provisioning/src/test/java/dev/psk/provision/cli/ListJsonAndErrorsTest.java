package dev.psk.provision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.testing.Processes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code --json} of the list commands that need no token, and clean one-line errors. */
class ListJsonAndErrorsTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CliRunner.commandLine(new PskProvision());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path pem(String name) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(g.generateKeyPair().getPublic().getEncoded());
        return Files.writeString(
                dir.resolve(name + ".pub.pem"), "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n");
    }

    @Test
    void pinListJsonIsAnArrayOfThePinnedPeers() throws Exception {
        Path peers = dir.resolve("peers.conf");
        for (String name : new String[] {"site-b", "site-c"}) {
            Run add = run(
                    "pin",
                    "add",
                    "--peers",
                    peers.toString(),
                    "--name",
                    name,
                    "--pem",
                    pem(name).toString());
            assertThat(add.exit()).as(add.err()).isZero();
        }
        assertThat(run("pin", "disable", "--peers", peers.toString(), "site-c").exit())
                .isZero();

        Run list = run("pin", "list", "--peers", peers.toString(), "--json");
        assertThat(list.exit()).as(list.err()).isZero();
        JsonNode a = JsonMapper.builder().build().readTree(list.out());
        assertThat(a.isArray()).isTrue();
        assertThat(a.size()).isEqualTo(2);
        assertThat(a.get(0).get("name").asString()).isEqualTo("site-b");
        assertThat(a.get(0).get("identity_id").asString()).matches("[0-9a-f]{16}");
        assertThat(a.get(0).get("enabled").asBoolean()).isTrue();
        assertThat(a.get(1).get("enabled").asBoolean()).isFalse();
    }

    @Test
    void pinListOfAMissingFilePrintsNoHeaderOnlyTheError() {
        Run list = run("pin", "list", "--peers", dir.resolve("absent").toString());
        assertThat(list.exit()).isEqualTo(1);
        assertThat(list.out()).isEmpty();
        assertThat(list.err().lines().toList()).hasSize(1);
    }

    /** HotSpot warns about the stack guard of a non-ELF "library" before dlopen: we never get that far. */
    @Test
    void tokenListOfANonLibraryIsOneLineWithNoJvmWarning() throws Exception {
        Processes.Result r = new Cli(Map.of()).run("token", "list", "--module", "/etc/passwd");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr())
                .isEqualTo("psk-provision: PKCS#11 module /etc/passwd: not a shared library (no ELF header)\n");
    }

    @Test
    void hubListJsonIsAnArrayOfTheClients() throws Exception {
        String hub = dir.resolve("hub.json").toString();
        assertThat(run("hub", "init", "--config", hub).exit()).isZero();
        for (String[] c : new String[][] {{"alice", "10.77.0.2/32"}, {"bob", "10.77.0.3/32,10.9.0.0/16"}}) {
            Run add = run(
                    "hub",
                    "add-client",
                    c[0],
                    "--config",
                    hub,
                    "--allowed-ips",
                    c[1],
                    "--endpoint",
                    "hub.example.net:51820",
                    "--out",
                    dir.resolve(c[0] + ".json").toString());
            assertThat(add.exit()).as(add.err()).isZero();
        }
        assertThat(run("hub", "revoke", "bob", "--config", hub).exit()).isZero();

        Run list = run("hub", "list", "--config", hub, "--json");
        assertThat(list.exit()).as(list.err()).isZero();
        JsonNode a = JsonMapper.builder().build().readTree(list.out());
        assertThat(a.isArray()).isTrue();
        assertThat(a.size()).isEqualTo(2);
        assertThat(a.get(0).get("name").asString()).isEqualTo("alice");
        assertThat(a.get(0).get("enabled").asBoolean()).isTrue();
        assertThat(a.get(0).get("fingerprint").asString()).isNotBlank();
        assertThat(a.get(1).get("enabled").asBoolean()).isFalse();
        assertThat(a.get(1).get("allowed_ips").size()).isEqualTo(2);
        assertThat(a.get(1).get("allowed_ips").get(1).asString()).isEqualTo("10.9.0.0/16");
        assertThat(list.out()).doesNotContain("NAME").doesNotContain("PrivateKey");
    }
}
