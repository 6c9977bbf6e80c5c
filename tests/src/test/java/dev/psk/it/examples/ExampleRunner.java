package dev.psk.it.examples;

import dev.psk.common.cli.CliRunner;
import dev.psk.identity.IdentityId;
import dev.psk.identity.Pem;
import dev.psk.provision.IdentityFile;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.state.StateFile;
import dev.psk.tunnel.wire.Role;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.ParseResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs an example in-process, in a scenario directory, with these substitutions (and no others):
 *
 * <ul>
 *   <li>every file or directory argument (an option or parameter of type Path or File, and a
 *       pkcs11 URI's {@code pin-source=file:}) moves under the scenario directory: {@code
 *       /etc/psk/hub.json} becomes {@code DIR/etc/psk/hub.json}, {@code alice.json} {@code
 *       DIR/alice.json}; system paths ({@code /dev}, {@code /usr}, {@code /sys}, {@code /proc})
 *       stay;
 *   <li>{@code psk-keygen generate}: {@code --size} becomes 1MiB, {@code --force} is added (the
 *       docs show alternatives writing the same file), {@code /dev/hwrng} becomes
 *       {@code /dev/urandom} (a character device this machine has);
 *   <li>{@code psk-provision serial-id} reads a fixture serial ({@code --root}), as the lab has none;
 *   <li>{@code $(jq -r .FIELD FILE)} is FILE's FIELD;
 *   <li>{@code identity verify --peers P --id ID}: ID is the identity_id of the scenario's newest
 *       identity file (the signer), and a missing P pins it.
 * </ul>
 *
 * Inputs an example takes for granted are made when missing: PIN files, a psk-tunnel state file
 * for {@code psk-keygen info --state}, the data to sign, and a peer's public key or identity file
 * for {@code pin add} (whose {@code --id} then becomes that key's identity_id).
 */
final class ExampleRunner {
    static final String USER_PIN = "12345678";
    static final String SO_PIN = "87654321";
    private static final Pattern JQ = Pattern.compile("\\$\\(jq -r (\\.[a-z_]+) (\\S+)\\)");
    private static final Pattern PIN_SOURCE = Pattern.compile("pin-source=file:([^&]+)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Run(int code, String out, String err, List<String> args) {
        @Override
        public String toString() {
            return "exit " + code + " for " + String.join(" ", args) + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private final Path dir;

    ExampleRunner(Path dir) {
        this.dir = dir;
    }

    /** Parses the example as it is written ({@code $(...)} stands for a key URI): the usage error, or null. */
    static String parseError(Example ex) {
        List<String> args = new ArrayList<>(ex.args());
        args.replaceAll(a -> a.startsWith("$(") ? "pkcs11:token=device;object=site-a" : a);
        try {
            parse(ex.tool(), args);
            return null;
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }

    private static ParseResult parse(String tool, List<String> args) {
        return new CommandLine(ExampleSources.TOOLS.get(tool).get()).parseArgs(args.toArray(String[]::new));
    }

    /** Runs the example; a fixture or substitution that fails is reported as exit -1. */
    Run run(Example ex) {
        try {
            return runOrThrow(ex);
        } catch (Exception e) {
            return new Run(-1, "", e.toString(), ex.args());
        }
    }

    private Run runOrThrow(Example ex) throws Exception {
        List<String> parsed = new ArrayList<>(ex.args());
        parsed.replaceAll(a -> a.startsWith("$(") ? "pkcs11:token=device;object=site-a" : a);
        Set<String> paths = new HashSet<>();
        Set<String> dirs = new HashSet<>();
        for (ParseResult pr = parse(ex.tool(), parsed); pr != null; pr = pr.subcommand()) {
            for (ArgSpec a : pr.matchedArgs()) {
                if (a.type() == Path.class || a.type() == File.class) {
                    paths.addAll(a.originalStringValues());
                    if (a.paramLabel().equals("DIR")) {
                        dirs.addAll(a.originalStringValues());
                    }
                }
            }
        }
        List<String> args = new ArrayList<>();
        for (String w : ex.args()) {
            args.add(paths.contains(w) ? map(dirs.contains(w) ? w + "/" : w).toString() : w);
        }
        for (int i = 0; i < args.size(); i++) {
            args.set(i, resolve(args.get(i)));
        }
        adapt(ex.command(subcommands(ex)), args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl =
                CliRunner.commandLine(ExampleSources.TOOLS.get(ex.tool()).get());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString(), args);
    }

    private static final Map<String, Set<String>> SUBCOMMANDS = new java.util.concurrent.ConcurrentHashMap<>();

    static Set<String> subcommands(Example ex) {
        return SUBCOMMANDS.computeIfAbsent(ex.tool(), tool -> {
            Set<String> names = new HashSet<>();
            CommandLine root = new CommandLine(ExampleSources.TOOLS.get(tool).get());
            for (CommandLine c : dev.psk.common.testing.HelpLint.commands(root)) {
                names.add(c.getCommandName());
            }
            names.remove(tool);
            return names;
        });
    }

    /** Where a path of an example lives in this scenario. */
    Path map(String path) throws java.io.IOException {
        if (path.matches("/(dev|usr|sys|proc)/.*")) {
            return Path.of(path);
        }
        Path p = dir.resolve(path.replaceFirst("^/+", ""));
        Files.createDirectories(path.endsWith("/") ? p : p.getParent());
        return p;
    }

    private String resolve(String word) throws Exception {
        Matcher jq = JQ.matcher(word);
        if (jq.matches()) {
            Path file = map(jq.group(2));
            return JSON.readTree(Files.readString(file))
                    .get(jq.group(1).substring(1))
                    .asString();
        }
        if (word.startsWith("pkcs11:")) {
            Matcher m = PIN_SOURCE.matcher(word);
            if (m.find()) {
                Path pin = map(m.group(1));
                pinFile(pin, USER_PIN);
                return word.substring(0, m.start(1)) + pin + word.substring(m.end(1));
            }
        }
        return word;
    }

    /** The tool-specific substitutions and fixtures of the class comment. */
    private void adapt(String command, List<String> args) throws Exception {
        switch (command) {
            case "psk-keygen generate" -> {
                set(args, "--size", "1MiB");
                args.replaceAll(a -> a.equals("/dev/hwrng") ? "/dev/urandom" : a);
                args.add("--force");
            }
            case "psk-keygen info" -> {
                String state = value(args, "--state");
                if (state != null && !Files.exists(Path.of(state))) {
                    String pad = args.get(1);
                    try (PadFile p = PadFile.open(Path.of(pad))) {
                        StateFile.loadOrCreate(Path.of(state), p, Role.INITIATOR);
                    }
                }
            }
            case "psk-provision serial-id" -> {
                Path root = dir.resolve("serial-root");
                Path uuid = root.resolve("sys/class/dmi/id/product_uuid");
                Files.createDirectories(uuid.getParent());
                Files.writeString(uuid, "4c4c4544-0042-3510-8052-b4c04f564433\n");
                args.addAll(List.of("--root", root.toString()));
            }
            case "psk-provision pin add" -> peerFixture(args);
            case "psk-provision identity verify" -> signerPinned(args);
            default -> {}
        }
        for (String opt : List.of("--pin-file", "--so-pin-file")) {
            String f = value(args, opt);
            if (f != null) {
                pinFile(Path.of(f), opt.equals("--pin-file") ? USER_PIN : SO_PIN);
            }
        }
        String in = value(args, "--in");
        if (in != null && !Files.exists(Path.of(in)) && command.equals("psk-provision identity sign")) {
            Files.writeString(Path.of(in), "a message to sign\n");
        }
    }

    private static void peerFixture(List<String> args) throws Exception {
        String pem = value(args, "--pem");
        String idFile = value(args, "--identity-file");
        Path file = Path.of(pem != null ? pem : idFile);
        ECPublicKey key;
        if (Files.exists(file)) {
            key = pem != null
                    ? Pem.decode(Files.readString(file))
                    : IdentityFile.read(file).publicKey();
        } else {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            key = (ECPublicKey) g.generateKeyPair().getPublic();
            if (pem != null) {
                Files.writeString(file, Pem.encode(key), StandardCharsets.US_ASCII);
            } else {
                String label = file.getFileName().toString().replace(".identity.json", "");
                new IdentityFile(
                                IdentityFile.FORMAT,
                                label,
                                "pkcs11:token=" + label + ";object=" + label,
                                IdentityId.of(key),
                                IdentityFile.ALGORITHM,
                                "generic",
                                Map.of(),
                                Map.of(),
                                Instant.now(),
                                key)
                        .write(file);
            }
        }
        if (value(args, "--id") != null) {
            set(args, "--id", IdentityId.of(key).hex());
        }
    }

    /**
     * {@code identity verify --peers P --id ID}: ID becomes the identity_id of the scenario's
     * newest identity file (the signer's), and a missing P is made by pinning it.
     */
    private void signerPinned(List<String> args) throws Exception {
        String peers = value(args, "--peers");
        if (peers == null) {
            return;
        }
        Path newest;
        try (var s = Files.walk(dir)) {
            newest = s.filter(p -> p.toString().endsWith(".identity.json"))
                    .max(java.util.Comparator.comparing(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new IllegalStateException("no identity file for " + args));
        }
        set(args, "--id", IdentityFile.read(newest).identityId().hex());
        if (!Files.exists(Path.of(peers))) {
            int code = CliRunner.commandLine(new dev.psk.provision.cli.PskProvision())
                    .execute("pin", "add", "--peers", peers, "--identity-file", newest.toString());
            if (code != 0) {
                throw new IllegalStateException("pinning " + newest + " failed: exit " + code);
            }
        }
    }

    private static void pinFile(Path f, String pin) throws java.io.IOException {
        if (!Files.exists(f)) {
            Files.writeString(f, pin + "\n");
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
    }

    static String value(List<String> args, String opt) {
        int i = args.indexOf(opt);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }

    private static void set(List<String> args, String opt, String v) {
        int i = args.indexOf(opt);
        if (i >= 0) {
            args.set(i + 1, v);
        }
    }
}
