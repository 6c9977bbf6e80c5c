package dev.psk.keygen.cli;

import dev.psk.common.IoErrors;
import dev.psk.common.PskException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.common.state.StateFileException;
import dev.psk.common.state.TunnelState;
import dev.psk.common.state.TunnelStateFile;
import dev.psk.keygen.PadCapacity;
import dev.psk.keygen.PadInspector;
import dev.psk.keygen.PadUsage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code psk-keygen info PAD [--state FILE]}. */
@Command(
        name = "info",
        description = {
            "Show a pad's slots, capacity and fingerprint.",
            "With a psk-tunnel state file, also what one end has used and what remains in each direction."
        },
        footer = {
            "",
            "Examples:",
            "  psk-keygen info /mnt/secure/psk.bin",
            "  psk-keygen info /mnt/secure/psk.bin --json \\",
            "      --state /var/lib/psk-tunnel/state.json",
            "",
            "Exit codes: 0 shown, 1 failure (unreadable pad, malformed state, state for another pad), 2 usage error."
        })
public final class InfoCommand implements Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Parameters(index = "0", paramLabel = "PAD", description = "The pad.")
    Path pad;

    @Option(
            names = "--state",
            paramLabel = "FILE",
            description = "A psk-tunnel state file (JSON, format psk-tunnel-state/1).")
    Path state;

    @Option(names = "--json", description = "Print one JSON object instead of text (keys as in the text output).")
    boolean json;

    @Override
    public Integer call() throws PskException {
        PadInspector.PadInfo info;
        try {
            info = PadInspector.inspect(pad);
        } catch (IOException e) {
            throw new PskException("cannot read " + pad + ": " + IoErrors.reason(e), e);
        }
        PadUsage usage = null;
        if (state != null) {
            TunnelState s = readState(state);
            if (!s.padFingerprint().equals(info.fingerprint())) {
                throw new PskException("state file " + state + " belongs to the pad with fingerprint "
                        + s.padFingerprint() + ", but " + pad + " has fingerprint " + info.fingerprint());
            }
            usage = PadUsage.of(info.capacity(), s, "state file " + state);
        }
        PrintWriter o = spec.commandLine().getOut();
        PadCapacity c = info.capacity();
        if (json) {
            o.println(asJson(info, usage));
            o.flush();
            return 0;
        }
        o.println("pad: " + pad);
        o.println("size: " + Format.count(c.padBytes()) + " bytes (" + Format.size(c.padBytes()) + ") = "
                + Format.count(c.slots()) + " slots of 120 bytes");
        if (c.trailingBytes() != 0) {
            o.println("  note: " + c.trailingBytes() + " bytes after the last whole slot are not part of the pad");
        }
        o.println("capacity: " + Format.count(c.packetsPerDirection()) + " packets per direction, "
                + Format.count(c.packetsBothDirections()) + " in both directions (slots x 1000 each way)");
        o.println("  psk-tunnel keeps the last slot as its control slot: " + Format.count(c.dataSlots())
                + " data slots = " + Format.count(c.dataPacketsPerDirection()) + " packets per direction");
        o.println("fingerprint: " + info.fingerprint());
        if (usage != null) {
            o.println("state: " + state + " (" + (usage.state().initiator() ? "initiator" : "responder") + ")");
            line(o, usage.send(), "tx_reserved_until");
            line(o, usage.receive(), "rx_floor");
            long erased = usage.state().erasedSlots();
            o.println("  erased: "
                    + (erased == 0
                            ? "nothing yet"
                            : "slots [0, " + Format.count(erased) + ") overwritten (" + Format.count(erased * 120)
                                    + " bytes)"));
        }
        o.flush();
        return 0;
    }

    private String asJson(PadInspector.PadInfo info, PadUsage usage) {
        PadCapacity c = info.capacity();
        ObjectNode n = JSON.createObjectNode();
        n.put("pad", pad.toString());
        n.put("size_bytes", c.padBytes());
        n.put("slots", c.slots());
        n.put("trailing_bytes", c.trailingBytes());
        n.put("packets_per_direction", c.packetsPerDirection());
        n.put("data_slots", c.dataSlots());
        n.put("data_packets_per_direction", c.dataPacketsPerDirection());
        n.put("fingerprint", info.fingerprint());
        if (usage != null) {
            ObjectNode s = n.putObject("state");
            s.put("file", state.toString());
            s.put("role", usage.state().initiator() ? "initiator" : "responder");
            direction(s.putObject("send"), usage.send());
            direction(s.putObject("receive"), usage.receive());
            s.put("erased_slots", usage.state().erasedSlots());
        }
        return JSON.writeValueAsString(n);
    }

    private static void direction(ObjectNode n, PadUsage.Direction d) {
        n.put("used_slots", d.usedSlots());
        n.put("bound", d.bound());
        n.put("remaining_slots", d.remainingSlots());
        n.put("remaining_packets", d.remainingPackets());
    }

    /** The tunnel's own reader: whatever psk-tunnel wrote and would start from, this reads. */
    private static TunnelState readState(Path file) throws StateFileException {
        try {
            return TunnelStateFile.read(file);
        } catch (NoSuchFileException e) {
            throw new StateFileException("state file " + file, "no such file");
        }
    }

    private static void line(PrintWriter o, PadUsage.Direction d, String field) {
        o.println("  " + d.name() + ": " + Format.count(d.usedSlots()) + " slots used (" + field + " "
                + Format.count(d.bound()) + "), " + Format.count(d.remainingSlots()) + " slots = "
                + Format.count(d.remainingPackets()) + " packets remaining"
                + (d.remainingPackets() == 0 ? " (exhausted)" : ""));
    }
}
