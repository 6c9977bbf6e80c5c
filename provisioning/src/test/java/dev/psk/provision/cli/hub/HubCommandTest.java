package dev.psk.provision.cli.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.tunnel.hub.ClientConfig;
import dev.psk.tunnel.hub.HubConfig;
import dev.psk.tunnel.hub.HubConfigParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** psk-provision hub init / add-client / revoke / list, driven through picocli as a user would. */
class HubCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    Run run(String... args) {
        CommandLine cl = CliRunner.commandLine(new HubCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    Path hub() {
        return dir.resolve("hub.json");
    }

    /** {@code add-client name} to {@link #hub()}; {@code more} are further options. */
    Run addClient(String name, String allowedIps, String endpoint, String... more) {
        String[] args = {
            "add-client", name, "--allowed-ips", allowedIps, "--config", hub().toString(), "--endpoint", endpoint
        };
        return run(java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
                .toArray(String[]::new));
    }

    @Test
    void initAddListRevokeRemove() throws Exception {
        Run init = run("init", "--config", hub().toString(), "--listen-port", "51999");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hub())))
                .isEqualTo("rw-------");
        assertThat(run("init", "--config", hub().toString()).code()).isEqualTo(1);

        Run add = addClient("alice", "10.77.0.2/32,fd77::2/128", "192.0.2.1:51999");
        assertThat(add.code()).as(add.err()).isZero();
        Path aliceFile = dir.resolve("alice.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(aliceFile)))
                .isEqualTo("rw-------");
        ClientConfig alice = HubConfigParser.readClient(aliceFile);
        HubConfig hub = HubConfigParser.readServer(hub());
        assertThat(hub.clients()).hasSize(1);
        assertThat(hub.clients().getFirst().publicKey()).isEqualTo(alice.publicKey());
        assertThat(hub.clients().getFirst().psk()).isEqualTo(alice.psk());
        assertThat(alice.serverPublicKey()).isEqualTo(hub.publicKey());
        assertThat(alice.addresses().getFirst().toString()).isEqualTo("10.77.0.2/24");
        assertThat(alice.routes().getFirst().toString()).isEqualTo("10.77.0.0/24");
        // No secret on the terminal.
        assertThat(add.out() + add.err())
                .doesNotContain(Base64.getEncoder().encodeToString(alice.psk()))
                .doesNotContain(Base64.getEncoder().encodeToString(alice.privateKey()))
                .contains(alice.fingerprint());

        Run bob = addClient(
                "bob",
                "10.77.0.3/32",
                "192.0.2.1:51999",
                "--out",
                dir.resolve("b.json").toString());
        assertThat(bob.code()).as(bob.err()).isZero();

        Run list = run("list", "--config", hub().toString());
        assertThat(list.code()).isZero();
        assertThat(list.out())
                .contains("alice")
                .contains(alice.fingerprint())
                .contains("10.77.0.2/32,fd77::2/128")
                .contains("enabled")
                .contains("bob");

        assertThat(run("revoke", "alice", "--config", hub().toString()).code()).isZero();
        assertThat(HubConfigParser.readServer(hub()).clients().getFirst().enabled())
                .isFalse();
        assertThat(run("list", "--config", hub().toString()).out()).contains("revoked");
        assertThat(run("revoke", "alice", "--remove", "--config", hub().toString())
                        .code())
                .isZero();
        assertThat(HubConfigParser.readServer(hub()).clients())
                .extracting(c -> c.name())
                .containsExactly("bob");
        Run missing = run("revoke", "carol", "--config", hub().toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no client named 'carol'");
    }

    @Test
    void listOfABrokenConfigPrintsTheErrorAndNoTableHeader(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path broken = tmp.resolve("hub.json");
        Files.writeString(broken, "{ \"ListenPort\": ");
        Files.setPosixFilePermissions(broken, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Run r = run("list", "--config", broken.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.out()).doesNotContain("FINGERPRINT");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void refusalsLeaveTheHubFileUntouched() throws Exception {
        assertThat(run("init", "--config", hub().toString()).code()).isZero();
        assertThat(addClient("alice", "10.77.0.2/32", "h:1").code()).isZero();
        String before = Files.readString(hub());
        Run overlap = addClient("carol", "10.77.0.0/24", "h:1");
        assertThat(overlap.code()).isEqualTo(1);
        assertThat(overlap.err()).contains("overlaps");
        assertThat(Files.exists(dir.resolve("carol.json"))).isFalse();
        Run dup = addClient("alice", "10.77.0.9/32", "h:1");
        assertThat(dup.code()).isEqualTo(1);
        assertThat(dup.err()).contains("exists already");
        Run badCidr = addClient("dave", "10.77.0.9/24", "h:1");
        assertThat(badCidr.code()).isEqualTo(2);
        assertThat(badCidr.err()).contains("host bits");
        Run badName = addClient("../x", "10.77.0.9/32", "h:1");
        assertThat(badName.code()).isEqualTo(1);
        assertThat(Files.readString(hub())).isEqualTo(before);
        assertThat(run("add-client", "x", "--config", hub().toString()).code()).isEqualTo(2);
        assertThat(run("list", "--config", dir.resolve("nope.json").toString()).code())
                .isEqualTo(1);
    }
}
