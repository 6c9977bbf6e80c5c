package dev.psk.provision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.testing.Processes;
import dev.psk.identity.testing.Openssl;
import dev.psk.identity.testing.SwTpm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * tpm2-pkcs11 over swtpm with its own D-Bus daemon and tpm2-abrmd: token init, identity create,
 * sign, verify with the exported key, pkcs11-tool's view of the key; then five consecutive JVM
 * runs, through the resource manager and then straight to swtpm (where a missing C_Finalize
 * would leave TPM objects behind and break the third login), leave no transient object behind.
 */
@Tag("tpm")
class ProvisionTpmCliTest {
    private static final String MODULE = SwTpm.MODULE.toString();

    @Test
    void createsSignsAndLeavesNoTpmObjectsAcrossFiveRuns() throws Exception {
        try (SwTpm tpm = new SwTpm()) {
            Path d = tpm.dir();
            Cli.pinFile(d.resolve("user.pin"), "tpm-user-7731");
            Cli.pinFile(d.resolve("so.pin"), "tpm-so-7731");
            Path out = Files.createDirectory(d.resolve("out"));
            String user = d.resolve("user.pin").toString();
            Cli cli = new Cli(tpm.env());

            Processes.Result init = cli.tokenInit(MODULE, "tpmdev", d.resolve("so.pin"), user);
            assertThat(init.exitCode()).as(init.stderr() + init.stdout()).isZero();
            String token = "pkcs11:token=tpmdev?module-path=" + MODULE;
            Processes.Result create = cli.identityCreate(token, user, "tpm-id", out);
            assertThat(create.exitCode()).as(create.stderr()).isZero();
            assertThat(create.stdout())
                    .contains("CKA_EXTRACTABLE=false", "CKA_NEVER_EXTRACTABLE=true", "CKA_SENSITIVE=true");
            String id = Cli.printedIdentityId(create);
            Path pem = out.resolve("tpm-id.pub.pem");
            assertThat(id).isEqualTo(Openssl.identityId(pem));

            List<String> cmd = new ArrayList<>(List.of(
                    "pkcs11-tool",
                    "--module",
                    MODULE,
                    "--token-label",
                    "tpmdev",
                    "--login",
                    "--pin",
                    "tpm-user-7731",
                    "--list-objects"));
            String objects =
                    Processes.run(cmd, tpm.env(), null, Duration.ofMinutes(1)).stdout();
            assertThat(objects).contains("Private Key Object; EC", "tpm-id", "never extractable", "sensitive");

            Path msg = Files.writeString(d.resolve("msg"), "transcript");
            Path sig = d.resolve("msg.sig");
            String keyUri = "pkcs11:token=tpmdev;object=tpm-id;type=private?module-path=" + MODULE;
            for (int run = 1; run <= 5; run++) {
                Processes.Result sign = cli.identitySign(keyUri, user, msg, sig);
                assertThat(sign.exitCode())
                        .as("run " + run + ": " + sign.stderr())
                        .isZero();
                assertThat(cli.verifyWithKey(pem, msg, sig).exitCode())
                        .as("run " + run)
                        .isZero();
            }

            // Straight to swtpm: each JVM's C_Finalize must flush what tpm2-pkcs11 loaded.
            tpm.stopResourceManager();
            tpm.flushTransientDirect();
            assertThat(tpm.transientHandlesDirect()).isEmpty();
            Cli direct = new Cli(tpm.directEnv());
            for (int run = 1; run <= 5; run++) {
                Processes.Result sign = direct.identitySign(keyUri, user, msg, sig, "--format", "p1363");
                assertThat(sign.exitCode())
                        .as("direct run " + run + ": " + sign.stderr())
                        .isZero();
                assertThat(tpm.transientHandlesDirect())
                        .as("transient TPM objects after run " + run)
                        .isEmpty();
            }
            assertThat(direct.verifyWithKey(pem, msg, sig, "--format", "p1363").exitCode())
                    .isZero();
            assertThat(cli.allOutput() + direct.allOutput())
                    .doesNotContain("tpm-user-7731")
                    .doesNotContain("tpm-so-7731");
        }
    }
}
