package dev.psk.provision.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.psk.common.cli.ExitCodes;
import dev.psk.common.testing.InProcessCli;
import dev.psk.common.testing.InProcessCli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, {@code psk-provision} without a token: a wrong argument is exit 2 naming the flag, a
 * file that cannot be read says why in words (never an exception class), a key of the wrong kind
 * says which kind it is and that only P-256 is taken.
 */
class ProvisionMessagesTest {
    /** Unreadable even for root: procfs checks the mode bits of this write-only file. */
    static final Path UNREADABLE = Path.of("/proc/sys/vm/drop_caches");

    @TempDir
    Path dir;

    private static Run run(String... args) {
        return InProcessCli.run(new PskProvision(), args);
    }

    private Path pem(String name, String alg, java.security.spec.AlgorithmParameterSpec spec) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
        if (spec != null) {
            g.initialize(spec);
        }
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(g.generateKeyPair().getPublic().getEncoded());
        return Files.writeString(
                dir.resolve(name + ".pub.pem"), "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n");
    }

    /** {@code hub add-client alice} to {@code hub} with the given {@code --endpoint}. */
    private static Run addAlice(Path hub, String endpoint) {
        return run(
                "hub",
                "add-client",
                "alice",
                "--allowed-ips",
                "10.77.0.2/32",
                "--config",
                hub.toString(),
                "--endpoint",
                endpoint);
    }

    /** {@code pin add} of peer "b" with the public key file {@code pem} to {@code peers}. */
    private static Run pinAdd(Path peers, Path pem) {
        return run("pin", "add", "--peers", peers.toString(), "--name", "b", "--pem", pem.toString());
    }

    private static void assertNoInternals(Run r) {
        assertThat(r.err())
                .doesNotContain("Exception")
                .doesNotContain("java.")
                .doesNotContain("(IOException")
                .doesNotContainPattern("\\(\\w+\\)\\s*$");
    }

    @Test
    void anEndpointWithoutAPortIsAUsageErrorAndWritesNothing() {
        Path hub = dir.resolve("hub.json");
        assertThat(run("hub", "init", "--config", hub.toString()).code()).isZero();
        Run r = addAlice(hub, "192.0.2.1");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err())
                .startsWith("psk-provision hub add-client: --endpoint: expected HOST:PORT (IPv6 as [ADDR]:PORT),"
                        + " e.g. 192.0.2.1:51820, got '192.0.2.1'");
        assertThat(dir.resolve("alice.json")).doesNotExist();
        Run port = addAlice(hub, "192.0.2.1:99999");
        assertThat(port.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(port.err()).contains("--endpoint: port must be 1..65535, got '99999'");
    }

    @Test
    void aModuleThatDlopenRefusesIsExplainedNotQuoted() {
        assumeTrue(Files.isRegularFile(Path.of("/bin/ls")), "needs /bin/ls");
        Run r = run("token", "list", "--module", "/bin/ls");
        assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err())
                .startsWith("psk-provision: PKCS#11 module /bin/ls: cannot be loaded: not a shared library for this"
                        + " machine")
                .contains("ldd /bin/ls")
                .doesNotContain("Cannot open library");
    }

    @Test
    void aTypoInATokenUriIsAUsageErrorWithTheLikelyAttribute() {
        Run r = run("identity", "list", "--token", "pkcs11:tokn=dev");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err())
                .contains("URI attribute \"tokn\" is not a standard PKCS#11 URI attribute (did you mean \"token\"?)");
    }

    @Test
    void theHubGroupWithoutASubcommandIsAUsageError() {
        Run r = run("hub");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("psk-provision hub: missing command (");
    }

    @Test
    void aKeyOfTheWrongKindIsNamedNotDumped() throws Exception {
        Path peers = dir.resolve("peers.conf");
        Run rsa = pinAdd(peers, pem("rsa", "RSA", null));
        assertThat(rsa.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(rsa.err()).contains("an RSA key: only EC P-256 (secp256r1) keys are supported");
        assertNoInternals(rsa);
        Run p384 = pinAdd(peers, pem("p384", "EC", new ECGenParameterSpec("secp384r1")));
        assertThat(p384.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(p384.err()).contains("an EC key on a 384-bit curve: only EC P-256 (secp256r1) keys are supported");
        assertThat(peers).doesNotExist();
    }

    @Test
    void unreadableInputsSayWhyInWords() throws Exception {
        Run dirIn = run("identity", "verify", "--pub", dir.toString(), "--in", dir.toString(), "--sig", "x");
        assertThat(dirIn.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(dirIn.err()).isEqualTo("psk-provision: --in " + dir + ": cannot be read: is a directory\n");
        Run hubDir = run("pin", "add", "--peers", dir.resolve("p").toString(), "--pem", dir.toString());
        assertThat(hubDir.err()).contains("--pem " + dir + ": cannot be read: is a directory");
        assertNoInternals(hubDir);

        assumeTrue(Files.exists(UNREADABLE) && !canRead(UNREADABLE), "needs a file this user cannot read");
        Run denied = run("pin", "add", "--peers", dir.resolve("p").toString(), "--pem", UNREADABLE.toString());
        assertThat(denied.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(denied.err())
                .isEqualTo("psk-provision: --pem " + UNREADABLE + ": cannot be read: permission denied\n");
        Run list = run("hub", "list", "--config", UNREADABLE.toString());
        assertThat(list.code()).isNotZero();
        assertThat(list.out()).isEmpty(); // no table header before the error
        assertThat(list.err()).contains(UNREADABLE + ": ").contains("permission denied");
        assertNoInternals(list);
    }

    static boolean canRead(Path p) {
        try {
            Files.readAllBytes(p);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
