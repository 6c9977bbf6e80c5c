package dev.psk.provision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.identity.testing.SoftHsm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ATECC608A profile with SoftHSM2 standing in for the chip: fixed slot labels and ids, P-256
 * only, no token initialization, no key beyond slots 2-4, a taken slot never overwritten.
 * In-process: SOFTHSM2_CONF is set in this JVM's C environment before the module initializes.
 */
@Tag("token")
class Atecc608aProfileTest {
    private record Out(int exit, String out, String err) {}

    private static Out run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        picocli.CommandLine cl = CliRunner.commandLine(new PskProvision());
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        return new Out(cl.execute(args), o.toString(), e.toString());
    }

    @Test
    void profileUsesFixedSlotsAndRefusesWhatTheChipCannotDo() throws Exception {
        try (SoftHsm hsm = new SoftHsm().activate()) {
            hsm.initToken("ATECC608A", "so-5566", "user-5566");
            Path pin = Cli.pinFile(hsm.dir().resolve("pin"), "user-5566");
            Path out = Files.createDirectory(hsm.dir().resolve("out"));
            String token = "pkcs11:token=ATECC608A?module-path=" + SoftHsm.MODULE;
            String[] base = {
                "identity",
                "create",
                "--profile",
                "atecc608a",
                "--token",
                token,
                "--pin-file",
                pin.toString(),
                "--out",
                out.toString()
            };

            Out init = run(
                    "token",
                    "init",
                    "--profile",
                    "atecc608a",
                    "--module",
                    SoftHsm.MODULE.toString(),
                    "--label",
                    "x",
                    "--so-pin-file",
                    pin.toString(),
                    "--pin-file",
                    pin.toString());
            assertThat(init.exit()).isEqualTo(1);
            assertThat(init.err()).contains("cannot be initialized");

            assertThat(run(concat(base, "--key-type", "ec-p384")).err()).contains("only EC P-256", "refusing ec-p384");
            assertThat(run(concat(base, "--key-type", "rsa-2048")).err()).contains("no RSA");
            assertThat(run(concat(base, "--slot", "0")).err()).contains("slot 0 holds the factory device key");
            assertThat(run(concat(base, "--slot", "7")).err()).contains("slot 7 cannot hold a generated key");
            assertThat(run(concat(base, "--label", "my-key")).err())
                    .contains("keys are named by slot", "'atecc608a-slot-2'");

            Out s3 = run(concat(base, "--slot", "3"));
            assertThat(s3.exit()).as(s3.err()).isZero();
            assertThat(s3.out()).contains("created key 'atecc608a-slot-3'", "id=%03");
            assertThat(run(base).out()).contains("created key 'atecc608a-slot-2'");
            assertThat(run(concat(base, "--label", "atecc608a-slot-4")).out())
                    .contains("created key 'atecc608a-slot-4'");
            assertThat(Files.exists(out.resolve("atecc608a-slot-4.identity.json")))
                    .isTrue();
            assertThat(Files.readString(out.resolve("atecc608a-slot-4.identity.json")))
                    .contains("\"profile\" : \"atecc608a\"");

            Out taken = run(concat(base, "--slot", "3"));
            assertThat(taken.exit()).isEqualTo(1);
            assertThat(taken.err()).contains("slot 3 already holds a key");
            Out full = run(base);
            assertThat(full.exit()).isEqualTo(1);
            assertThat(full.err()).contains("slots [2, 3, 4] all hold keys").hasLineCount(1);

            assertThat(run("identity", "list", "--token", token, "--pin-file", pin.toString())
                            .out())
                    .contains("'atecc608a-slot-2' id=02", "'atecc608a-slot-3' id=03", "'atecc608a-slot-4' id=04");
            assertThat(run(
                                    "identity",
                                    "create",
                                    "--token",
                                    token,
                                    "--pin-file",
                                    pin.toString(),
                                    "--out",
                                    out.toString(),
                                    "--label",
                                    "generic-key",
                                    "--slot",
                                    "2")
                            .err())
                    .contains("only meaningful with --profile atecc608a");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
