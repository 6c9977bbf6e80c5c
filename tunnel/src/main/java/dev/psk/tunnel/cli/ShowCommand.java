package dev.psk.tunnel.cli;

import dev.psk.common.cli.ExitCodes;
import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.tunnel.cli.status.StatusDirectory;
import dev.psk.tunnel.cli.status.StatusFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code psk-tunnel show [IFACE...|all] [dump]}: the status of tunnels, like {@code wg show}.
 *
 * <p>Exit status: 0 when everything asked for was shown and runs; with no tunnels at all, 0 and no
 * output (as {@code wg show}). 1 when a named interface has no status file (one line on stderr),
 * a status file cannot be read, or a tunnel asked for by name or {@code --status-file} is not
 * running (its leftover status is still shown, marked so). Listing every tunnel reports the ones
 * not running in the output only: it answers "what is there", a name answers "is it up".
 */
@Command(
        name = "show",
        description = {
            "Show tunnels, like wg show.",
            "Per tunnel: state, peers, handshakes, last packet, traffic, drops, pad left."
        },
        footer = {"", "Examples:", "  psk-tunnel show", "  psk-tunnel show tun0 --json", "  psk-tunnel show all dump"})
public final class ShowCommand implements Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Parameters(
            arity = "0..*",
            paramLabel = "IFACE",
            description = "Interfaces to show (default, or 'all': every tunnel with a status file);"
                    + " a final 'dump' prints tab-separated lines for scripts.")
    List<String> names = new ArrayList<>();

    @Option(names = "--status-file", paramLabel = "FILE", description = "Read this status file instead.")
    Path statusFile;

    @Option(
            names = "--status-dir",
            defaultValue = StatusFile.DEFAULT_DIR,
            paramLabel = "DIR",
            description = "Where running tunnels write their status (default: ${DEFAULT-VALUE}).")
    Path statusDir;

    @Option(names = "--json", description = "Print one JSON array of the status documents.")
    boolean json;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    ShowState state = ShowState.system();
    Clock clock = Clock.systemUTC();

    private record Entry(Path file, JsonNode doc) {}

    @Override
    public Integer call() throws Exception {
        List<String> ifaces = new ArrayList<>(names);
        boolean dump = !ifaces.isEmpty() && ifaces.getLast().equals("dump");
        if (dump) {
            ifaces.removeLast();
        }
        ifaces.removeIf("all"::equals);
        if (dump && json) {
            throw new UsageException("choose one of --json and dump");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean named = statusFile != null || !ifaces.isEmpty();
        boolean failed = false;
        List<Path> files = new ArrayList<>();
        if (statusFile != null) {
            files.add(statusFile);
        }
        for (String n : ifaces) {
            Path f = StatusDirectory.find(statusDir, n);
            if (Files.exists(f)) {
                files.add(f);
            } else {
                err.println("psk-tunnel show: no tunnel " + n + " (no status file " + f + ")");
                failed = true;
            }
        }
        if (!named && Files.isDirectory(statusDir)) {
            files.addAll(StatusDirectory.list(statusDir));
            files.sort(null);
        }
        List<Entry> entries = new ArrayList<>();
        for (Path f : files) {
            try {
                entries.add(new Entry(f, read(f)));
            } catch (IOException e) {
                err.println("psk-tunnel show: " + e.getMessage());
                failed = true;
            }
        }
        if (json) {
            ArrayNode all = JSON.createArrayNode();
            for (Entry e : entries) {
                ObjectNode o = all.addObject();
                o.setAll((ObjectNode) e.doc());
                o.put("running", state.of(e.doc()) == ShowState.State.RUNNING);
                o.put("status_file", e.file().toString());
            }
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        }
        boolean first = true;
        for (Entry e : entries) {
            if (named && state.of(e.doc()) != ShowState.State.RUNNING) {
                failed = true;
            }
            if (json) {
                continue;
            }
            if (dump) {
                ShowDump.print(out, e.doc(), state);
                continue;
            }
            if (!first) {
                out.println();
            }
            first = false;
            ShowText.print(out, e.doc(), state, clock.instant());
        }
        out.flush();
        err.flush();
        return failed ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    /** The status document in {@code f}, an object with the status format tag. */
    private static JsonNode read(Path f) throws IOException {
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(f));
            if (n == null
                    || !n.isObject()
                    || !StatusFile.FORMAT.equals(n.path("format").asString(""))) {
                throw new IOException(
                        "status file " + f + " is not a psk-tunnel status (format " + StatusFile.FORMAT + ")");
            }
            return n;
        } catch (NoSuchFileException e) {
            throw new IOException("no status file " + f + ": is the tunnel running (with this --status-file)?");
        } catch (JacksonException e) {
            throw new IOException("cannot read status file " + f + ": not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("status file ")) {
                throw e;
            }
            throw new IOException("cannot read status file " + f + ": " + e.getMessage());
        }
    }

    /** The text form of one status document (kept for the fuzz target). */
    static void print(PrintWriter out, JsonNode n) {
        ShowText.print(out, n, ShowState.system(), Clock.systemUTC().instant());
        ShowDump.print(out, n, ShowState.system());
    }
}
