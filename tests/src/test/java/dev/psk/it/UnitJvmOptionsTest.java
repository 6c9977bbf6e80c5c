package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JVM settings of the systemd units (docs/benchmarks.md, "Resident memory of a tunnel end")
 * reach the JVM: each unit's {@code Environment=} lines are read as systemd reads them, given to
 * the real bin/_launch (in an installed layout whose class path is this module's test classes),
 * and the started JVM reports its input arguments and the environment it got. A unit that lost
 * a flag, a flag this JVM rejects, or a launcher that dropped or mangled PSK_JAVA_OPTS fails here.
 * Also the launcher's own short-command flags: given to psk-attest and psk-provision only, dropped
 * with PSK_SHORT_JVM=0, and placed before PSK_JAVA_OPTS so that a user's flag wins.
 */
class UnitJvmOptionsTest {
    /** The footprint settings of the tunnel daemon that docs/benchmarks.md measured. */
    private static final List<String> TUNNEL_FLAGS = List.of(
            "-Xmx48m",
            "-Xms4m",
            "-XX:+UseSerialGC",
            "-Xss512k",
            "-XX:TrimNativeHeapInterval=2000",
            "-XX:-TieredCompilation");

    @TempDir
    Path dir;

    /** Started by the launcher in place of a tool: prints what the JVM was given. */
    static final class Probe {
        public static void main(String[] args) {
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                System.out.println("arg " + a);
            }
            System.out.println("env MALLOC_ARENA_MAX=" + System.getenv("MALLOC_ARENA_MAX"));
        }
    }

    @Test
    void theTunnelUnitCarriesTheMeasuredFootprintSettings() throws IOException {
        Map<String, String> env = unitEnvironment("psk-tunnel@.service");
        assertThat(env).containsEntry("MALLOC_ARENA_MAX", "2");
        assertThat(List.of(env.get("PSK_JAVA_OPTS").split(" "))).containsAll(TUNNEL_FLAGS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"psk-tunnel@.service", "psk-hub@.service", "psk-hub-client@.service"})
    void theLauncherPassesTheUnitsJvmSettings(String unit) throws Exception {
        Map<String, String> env = unitEnvironment(unit);
        String opts = env.get("PSK_JAVA_OPTS");
        assertThat(opts).as("PSK_JAVA_OPTS in %s", unit).isNotBlank();

        String out = launch(env);

        List<String> args = out.lines()
                .filter(l -> l.startsWith("arg "))
                .map(l -> l.substring(4))
                .toList();
        assertThat(args).as("JVM input arguments, launcher output:%n%s", out).containsAll(List.of(opts.split(" ")));
        assertThat(out).contains("env MALLOC_ARENA_MAX=" + env.get("MALLOC_ARENA_MAX") + "\n");
    }

    private static final List<String> SHORT_FLAGS =
            List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    private static List<String> jvmArgs(String out) {
        return out.lines()
                .filter(l -> l.startsWith("arg "))
                .map(l -> l.substring(4))
                .toList();
    }

    @ParameterizedTest
    @CsvSource({"attestation,true", "provisioning,true", "keygen,false", "tunnel,false"})
    void onlyTheToolsWhoseCommandsAreAllShortGetTheShortCommandFlags(String module, boolean expected) throws Exception {
        List<String> args = jvmArgs(launch(module, Map.of()));
        if (expected) {
            assertThat(args).containsAll(SHORT_FLAGS);
        } else {
            assertThat(args).doesNotContainAnyElementsOf(SHORT_FLAGS);
        }
    }

    @Test
    void theShortCommandFlagsCanBeDroppedAndComeBeforePskJavaOptsSoItOverridesThem() throws Exception {
        assertThat(jvmArgs(launch("attestation", Map.of("PSK_SHORT_JVM", "0"))))
                .doesNotContainAnyElementsOf(SHORT_FLAGS);
        List<String> args = jvmArgs(launch("attestation", Map.of("PSK_JAVA_OPTS", "-XX:TieredStopAtLevel=4")));
        // HotSpot takes the last occurrence of a flag: the user's must come after the launcher's.
        assertThat(args.lastIndexOf("-XX:TieredStopAtLevel=4")).isGreaterThan(args.indexOf("-XX:TieredStopAtLevel=1"));
    }

    /** A help or version request is printed from build-time text (PrerenderedHelp): short for every tool. */
    @ParameterizedTest
    @ValueSource(strings = {"keygen", "tunnel"})
    void aHelpRequestGetsTheShortCommandFlagsWhateverTheTool(String module) throws Exception {
        assertThat(jvmArgs(launch(module, Map.of(), "hub", "--help"))).containsAll(SHORT_FLAGS);
        assertThat(jvmArgs(launch(module, Map.of(), "-h"))).containsAll(SHORT_FLAGS);
        assertThat(jvmArgs(launch(module, Map.of(), "--version"))).containsAll(SHORT_FLAGS);
        assertThat(jvmArgs(launch(module, Map.of(), "--help", "up"))).doesNotContainAnyElementsOf(SHORT_FLAGS);
    }

    /**
     * Each kind of start has its own AOT cache, trained with its flags (scripts/lib/jdk.sh,
     * aot_train): a help request uses psk-MODULE-help.aot, every other start psk-MODULE.aot. The
     * files here are not caches; the JVM ignores an unusable cache, so the Probe still runs.
     */
    @Test
    void aHelpRequestUsesTheHelpCacheAndACommandTheCommandCache() throws Exception {
        Path caches = Files.createDirectories(dir.resolve("aot"));
        Files.writeString(caches.resolve("psk-tunnel.aot"), "not a cache");
        Files.writeString(caches.resolve("psk-tunnel-help.aot"), "not a cache");
        Map<String, String> env = Map.of("PSK_AOT", "1", "PSK_AOT_DIR", caches.toString());
        assertThat(jvmArgs(launch("tunnel", env, "--help")))
                .contains("-XX:AOTCache=" + caches.resolve("psk-tunnel-help.aot"));
        assertThat(jvmArgs(launch("tunnel", env, "show"))).contains("-XX:AOTCache=" + caches.resolve("psk-tunnel.aot"));
    }

    /** Runs a copy of bin/_launch as an installed package would be laid out; returns its output. */
    private String launch(Map<String, String> unitEnv) throws Exception {
        return launch("tunnel", unitEnv);
    }

    /** As {@link #launch(Map)}, started as the tool of Maven module {@code module} with {@code args}. */
    private String launch(String module, Map<String, String> unitEnv, String... args) throws Exception {
        Path project = ScriptRunner.projectDir();
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("scripts/lib"));
        Files.createDirectories(dir.resolve("lib"));
        Files.copy(project.resolve("bin/_launch"), dir.resolve("bin/_launch"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(
                project.resolve("scripts/lib/jdk.sh"),
                dir.resolve("scripts/lib/jdk.sh"),
                StandardCopyOption.REPLACE_EXISTING);
        Path classes = Path.of(
                Probe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.exists(dir.resolve("lib/probe"), LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(dir.resolve("lib/probe"), classes);
        }
        Files.writeString(dir.resolve("lib/" + module + ".classpath"), "probe\n", StandardCharsets.UTF_8);

        List<String> cmd =
                new ArrayList<>(List.of("bash", dir.resolve("bin/_launch").toString()));
        cmd.addAll(List.of(module, Probe.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("MALLOC_ARENA_MAX");
        env.remove("PSK_JAVA_OPTS");
        env.remove("PSK_SHORT_JVM");
        env.putAll(unitEnv);
        env.put("PSK_JAVA_HOME", System.getProperty("java.home"));
        env.put("PSK_AOT", "0");
        env.putAll(unitEnv); // a test's PSK_AOT wins
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not finish in 120 s");
        }
        assertThat(p.exitValue()).as("launcher exit, output:%n%s", out).isZero();
        return out;
    }

    /** The unit's Environment= assignments, unquoted as systemd does (double quotes only here). */
    private static Map<String, String> unitEnvironment(String unit) throws IOException {
        Path file = ScriptRunner.projectDir().resolve("deploy/systemd/" + unit);
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.startsWith("Environment=")) {
                continue;
            }
            for (String word : words(line.substring("Environment=".length()))) {
                int eq = word.indexOf('=');
                assertThat(eq).as("assignment '%s' in %s", word, unit).isPositive();
                env.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return env;
    }

    private static List<String> words(String value) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : value.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    words.add(w.toString());
                }
                w.setLength(0);
                any = false;
            } else {
                w.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(w.toString());
        }
        return words;
    }
}
