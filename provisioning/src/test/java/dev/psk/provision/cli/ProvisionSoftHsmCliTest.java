package dev.psk.provision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.common.testing.Processes;
import dev.psk.identity.testing.Openssl;
import dev.psk.identity.testing.SoftHsm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A full provisioning run against a private SoftHSM2, through separate JVMs as an operator would
 * run it: token init, identity create/list, sign, verify (ours and openssl), pin; pkcs11-tool
 * cross-checks; every bad input of the issue; and no PIN or SO PIN anywhere in what was printed.
 */
@Tag("token")
class ProvisionSoftHsmCliTest {
    private static final String MODULE = SoftHsm.MODULE.toString();

    private static String randomPin(String prefix) {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        return prefix + Hex.encode(b);
    }

    private static void assertOneLineError(Processes.Result r, int exit, String... contains) {
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(exit);
        List<String> lines = r.stderr().lines().toList();
        assertThat(lines.size()).as(r.stderr()).isBetween(1, exit == 2 ? 2 : 1);
        assertThat(lines.get(0)).startsWith("psk-provision").contains(contains);
        assertThat(r.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void provisionsSignsVerifiesPinsRefusesBadInputAndNeverPrintsAPin() throws Exception {
        String userPin = randomPin("u-");
        String soPin = randomPin("so-");
        try (SoftHsm hsm = new SoftHsm()) {
            Path d = hsm.dir();
            Cli.pinFile(d.resolve("user.pin"), userPin);
            Cli.pinFile(d.resolve("so.pin"), soPin);
            Cli.pinFile(d.resolve("wrong.pin"), "wrong-" + userPin);
            Path out = Files.createDirectory(d.resolve("out"));
            Cli cli = new Cli(hsm.env());
            String token = "pkcs11:token=device?module-path=" + MODULE;
            String user = d.resolve("user.pin").toString();

            Processes.Result init = cli.tokenInit(MODULE, "device", d.resolve("so.pin"), user);
            assertThat(init.exitCode()).as(init.stderr()).isZero();
            assertThat(init.stdout()).contains("initialized token 'device'");
            assertThat(cli.run("token", "list", "--module", MODULE).stdout()).contains("token 'device'");
            Processes.Result listJson = cli.run("token", "list", "--module", MODULE, "--json");
            assertThat(listJson.exitCode()).as(listJson.stderr()).isZero();
            tools.jackson.databind.JsonNode slots =
                    tools.jackson.databind.json.JsonMapper.builder().build().readTree(listJson.stdout());
            assertThat(slots.isArray()).isTrue();
            assertThat(slots.valueStream()
                            .filter(s -> s.path("initialized").asBoolean())
                            .map(s -> s.path("label").asString())
                            .toList())
                    .contains("device");

            Processes.Result create = cli.identityCreate(token, user, "site-a", out);
            assertThat(create.exitCode()).as(create.stderr()).isZero();
            assertThat(create.stdout()).contains("self-test: a signature by the token verifies");
            String id = Cli.printedIdentityId(create);
            Processes.Result listJsonKeys = cli.identityList(token, user, "--json");
            assertThat(listJsonKeys.exitCode()).as(listJsonKeys.stderr()).isZero();
            tools.jackson.databind.JsonNode keysJson =
                    tools.jackson.databind.json.JsonMapper.builder().build().readTree(listJsonKeys.stdout());
            assertThat(keysJson.get("logged_in").asBoolean()).isTrue();
            tools.jackson.databind.JsonNode siteA = keysJson.get("keys").get(0);
            assertThat(siteA.get("label").asString()).isEqualTo("site-a");
            assertThat(siteA.get("identity_id").asString()).isEqualTo(id);
            assertThat(siteA.get("hardware_bound").asBoolean()).isTrue();
            Path pem = out.resolve("site-a.pub.pem");
            assertThat(id).isEqualTo(Openssl.identityId(pem)).hasSize(16);

            JsonNode json = JsonMapper.builder()
                    .build()
                    .readTree(out.resolve("site-a.identity.json").toFile());
            assertThat(json.get("identity_id").asString()).isEqualTo(id);
            assertThat(json.get("label").asString()).isEqualTo("site-a");
            assertThat(json.get("algorithm").asString()).isEqualTo("ECDSA P-256 SHA-256");
            assertThat(json.get("attributes").get("CKA_EXTRACTABLE").asString()).isEqualTo("false");
            assertThat(json.get("attributes").get("CKA_NEVER_EXTRACTABLE").asString())
                    .isEqualTo("true");
            assertThat(json.get("created").asString()).isNotBlank();
            String keyUri = json.get("key_uri").asString();
            assertThat(keyUri)
                    .startsWith("pkcs11:token=device;")
                    .contains("object=site-a", "type=private", "module-path=");

            assertThat(cli.identityList(token, user).stdout())
                    .contains("'site-a'", "identity_id=" + id, "hardware-bound");

            // pkcs11-tool cross-check: sensitive, never extractable, sign-only. (Its --read-object refuses
            // private keys outright; the PKCS#11-level export attempts are in the identity module's tests.)
            Processes.Result objects =
                    hsm.pkcs11Tool("--token-label", "device", "--login", "--pin", userPin, "--list-objects");
            String priv = objects.stdout().substring(objects.stdout().indexOf("Private Key Object; EC"));
            assertThat(priv)
                    .contains(
                            "label:      site-a",
                            "Usage:      sign\n",
                            "Access:     sensitive, always sensitive, never extractable, local");
            Processes.Result read = hsm.pkcs11Tool(
                    "--token-label",
                    "device",
                    "--login",
                    "--pin",
                    userPin,
                    "--read-object",
                    "--type",
                    "privkey",
                    "--label",
                    "site-a",
                    "--output-file",
                    d.resolve("x.der").toString());
            assertThat(read.stdout() + read.stderr()).contains("not (yet) supported");
            assertThat(Files.exists(d.resolve("x.der"))).isFalse();

            // sign through the token; verify with our verifier, openssl, and the pinned-peers file
            Path msg = Files.writeString(d.resolve("msg"), "hello from site-a");
            Path sig = d.resolve("msg.sig");
            assertThat(cli.identitySign(keyUri, user, msg, sig).exitCode()).isZero();
            assertThat(cli.verifyWithKey(pem, msg, sig).exitCode()).isZero();
            assertThat(Processes.run(
                                    List.of(
                                            "openssl",
                                            "dgst",
                                            "-sha256",
                                            "-verify",
                                            pem.toString(),
                                            "-signature",
                                            sig.toString(),
                                            msg.toString()),
                                    null,
                                    null,
                                    Duration.ofSeconds(30))
                            .stdout())
                    .contains("Verified OK");
            Path peers = d.resolve("peers.conf");
            assertThat(cli.run(
                                    "pin",
                                    "add",
                                    "--peers",
                                    peers.toString(),
                                    "--identity-file",
                                    out.resolve("site-a.identity.json").toString(),
                                    "--id",
                                    id)
                            .exitCode())
                    .isZero();
            assertThat(cli.run("pin", "list", "--peers", peers.toString()).stdout())
                    .contains("site-a", id, "yes");
            assertThat(cli.verifyWithPin(peers, id, msg, sig).exitCode()).isZero();
            assertThat(cli.run("pin", "disable", "--peers", peers.toString(), "site-a")
                            .exitCode())
                    .isZero();
            assertThat(cli.verifyWithPin(peers, id, msg, sig).exitCode()).isEqualTo(1);
            assertThat(cli.run("pin", "remove", "--peers", peers.toString(), id).exitCode())
                    .isZero();

            // bad input: one line each, no stack trace
            String wrong = d.resolve("wrong.pin").toString();
            assertOneLineError(cli.identityList(token, wrong), 1, "CKR_PIN_INCORRECT");
            assertOneLineError(
                    cli.identityList("pkcs11:token=device?module-path=/nonexistent/libp11.so", user),
                    1,
                    "/nonexistent/libp11.so: no such file");
            assertOneLineError(
                    cli.identityList("pkcs11:token=other?module-path=" + MODULE, user),
                    1,
                    "no token matches token=other",
                    "tokens present: 'device'");
            assertOneLineError(
                    cli.identityList("pkcs11:token=dev%zzice?module-path=" + MODULE, user),
                    2,
                    "at position 17",
                    "RFC 7512 pct-encoded");
            assertOneLineError(
                    cli.identityCreate(token, user, "site-a", Files.createDirectory(d.resolve("out2"))),
                    1,
                    "'site-a' already exists");
            assertOneLineError(
                    cli.identityList(token, d.resolve("absent.pin").toString()), 1, "absent.pin: no such file");
            assertOneLineError(cli.identityList(token, d.toString()), 1, "is a directory");
            assertOneLineError(
                    cli.tokenInit(MODULE, "device", d.resolve("so.pin"), user), 1, "'device' already exists");
            Processes.Result verbose = cli.identityList(token, wrong, "--verbose");
            assertThat(verbose.stderr()).contains("PinException");
            Files.writeString(d.resolve("open.pin"), userPin + "\n");
            Files.setPosixFilePermissions(
                    d.resolve("open.pin"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Processes.Result exposed =
                    cli.identityList(token, d.resolve("open.pin").toString());
            assertThat(exposed.exitCode()).isZero();
            assertThat(exposed.stderr()).contains("warning: PIN file", "open.pin", "chmod 600");
            Processes.Result inUri = cli.run("identity", "list", "--token", token + "&pin-value=" + userPin);
            assertThat(inUri.exitCode()).isZero();
            assertThat(inUri.stderr()).contains("warning: the URI carries pin-value");

            assertThat(cli.runCount()).isGreaterThan(20);
            String all = cli.allOutput();
            assertThat(all).doesNotContain(userPin).doesNotContain(soPin);
        }
    }
}
