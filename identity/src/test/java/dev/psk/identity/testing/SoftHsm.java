package dev.psk.identity.testing;

import dev.psk.common.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private SoftHSM2 installation for one test: its own token directory and softhsm2.conf. Tokens
 * are created with softhsm2-util (PINs passed on its command line: test PINs only). {@link #activate()}
 * points this JVM's C environment at it; the module reads it at its next C_Initialize.
 */
public final class SoftHsm implements AutoCloseable {
    public static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");

    private final Path dir;
    private final Path conf;

    public SoftHsm() throws IOException {
        dir = Files.createTempDirectory("psk-identity-softhsm-");
        Path tokens = Files.createDirectory(dir.resolve("tokens"));
        conf = dir.resolve("softhsm2.conf");
        Files.writeString(
                conf,
                "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n",
                StandardCharsets.UTF_8);
    }

    public Path dir() {
        return dir;
    }

    public Path conf() {
        return conf;
    }

    public Map<String, String> env() {
        return Map.of("SOFTHSM2_CONF", conf.toString());
    }

    public SoftHsm activate() {
        NativeEnv.set("SOFTHSM2_CONF", conf.toString());
        return this;
    }

    /** Initializes a token in the next free slot. */
    public void initToken(String label, String soPin, String userPin) throws IOException, InterruptedException {
        Processes.run(
                        List.of(
                                "softhsm2-util",
                                "--init-token",
                                "--free",
                                "--label",
                                label,
                                "--so-pin",
                                soPin,
                                "--pin",
                                userPin),
                        env(),
                        null,
                        Duration.ofMinutes(1))
                .requireSuccess("softhsm2-util --init-token");
    }

    /** {@code pkcs11:token=LABEL?module-path=…} */
    public String uri(String label) {
        return "pkcs11:token=" + label + "?module-path=" + MODULE;
    }

    public Processes.Result pkcs11Tool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("pkcs11-tool", "--module", MODULE.toString()));
        cmd.addAll(List.of(args));
        return Processes.run(cmd, env(), null, Duration.ofMinutes(1));
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
