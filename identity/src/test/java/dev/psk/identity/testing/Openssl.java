package dev.psk.identity.testing;

import dev.psk.common.testing.Processes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What openssl says about our files, as a check made independently of this code. */
public final class Openssl {
    private Openssl() {}

    /**
     * The identity id of the public key file {@code pem} as openssl and sha256sum compute it: the
     * first 16 hex digits of the SHA-256 of the key's DER encoding. Fails if openssl does.
     */
    public static String identityId(Path pem) throws IOException, InterruptedException {
        return Processes.run(
                        List.of(
                                "sh",
                                "-c",
                                "openssl pkey -pubin -in \"$1\" -outform DER | sha256sum | cut -c1-16",
                                "sh",
                                pem.toString()),
                        null,
                        null,
                        Duration.ofSeconds(30))
                .requireSuccess("openssl")
                .stdout()
                .strip();
    }
}
