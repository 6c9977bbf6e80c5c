package dev.psk.tunnel.state;

import dev.psk.common.AtomicFiles;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.wire.Psk2Wire;
import dev.psk.tunnel.wire.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads, checks and crash-safely writes the state file (JSON, docs/protocol.md "tunnel-state").
 * Writing goes through {@link AtomicFiles}: temp file, fsync, rename, directory fsync.
 */
public final class StateFile {
    /** A state file is a few hundred bytes; anything this large is not one. */
    static final int MAX_BYTES = 64 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> REQUIRED =
            Set.of("format", "pad_fingerprint", "role", "tx_reserved_until", "rx_floor", "erased_slots");

    private StateFile() {}

    /** The JSON text of {@code s}. */
    public static byte[] encode(TunnelState s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", TunnelState.FORMAT);
        n.put("pad_fingerprint", s.padFingerprint());
        n.put("role", s.role().label());
        n.put("tx_reserved_until", s.txReservedUntil());
        n.put("rx_floor", s.rxFloor());
        n.put("erased_slots", s.erasedSlots());
        n.put("pad_slots", s.padSlots());
        n.put("clean_stop", s.cleanStop());
        n.put("packets_per_slot", Psk2Wire.PACKETS_PER_SLOT);
        n.put("updated", Instant.now().toString());
        return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Parses and checks the shape of a state file's content; {@code file} names it in errors. */
    public static TunnelState decode(byte[] content, Path file) throws TunnelStateException {
        if (content.length > MAX_BYTES) {
            throw corrupt(file, "it has " + content.length + " bytes, a state file has under " + MAX_BYTES);
        }
        JsonNode n;
        try {
            n = JSON.readTree(content);
        } catch (JacksonException e) {
            throw corrupt(file, "not JSON (" + e.getOriginalMessage() + ")");
        }
        if (n == null || !n.isObject()) {
            throw corrupt(file, "expected a JSON object");
        }
        for (String f : REQUIRED) {
            if (!n.has(f)) {
                throw corrupt(file, "field \"" + f + "\" is missing");
            }
        }
        if (!n.get("format").isString()
                || !TunnelState.FORMAT.equals(n.get("format").stringValue())) {
            throw corrupt(file, "\"format\" must be \"" + TunnelState.FORMAT + "\", not " + n.get("format"));
        }
        JsonNode fp = n.get("pad_fingerprint");
        if (!fp.isString() || !fp.stringValue().matches("[0-9a-f]{32}")) {
            throw corrupt(file, "\"pad_fingerprint\" must be 32 lower-case hex digits, not " + fp);
        }
        Role role;
        try {
            role = Role.fromLabel(
                    n.get("role").isString()
                            ? n.get("role").stringValue()
                            : n.get("role").toString());
        } catch (IllegalArgumentException e) {
            throw corrupt(file, "\"role\": " + e.getMessage());
        }
        long tx = counter(n, "tx_reserved_until", file);
        long rx = counter(n, "rx_floor", file);
        long erased = counter(n, "erased_slots", file);
        long slots = n.has("pad_slots") ? counter(n, "pad_slots", file) : 0;
        // Absent (older files) or not a boolean: treated as a crash, the safe reading.
        boolean clean = n.has("clean_stop")
                && n.get("clean_stop").isBoolean()
                && n.get("clean_stop").booleanValue();
        return new TunnelState(fp.stringValue(), role, tx, rx, erased, slots, clean);
    }

    private static long counter(JsonNode n, String field, Path file) throws TunnelStateException {
        JsonNode v = n.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw corrupt(file, "\"" + field + "\" must be a non-negative integer below 2^63, not " + v);
        }
        return v.asLong();
    }

    private static TunnelStateException corrupt(Path file, String why) {
        return new TunnelStateException("state file " + file + " is corrupt: " + why
                + "; refusing to start rather than reuse key material (restore the file, or retire this pad)");
    }

    /** Reads and decodes {@code file}. */
    public static TunnelState read(Path file) throws TunnelStateException, NoSuchFileException {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw corrupt(file, "it is larger than " + MAX_BYTES + " bytes");
            }
            return decode(Files.readAllBytes(file), file);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TunnelStateException("cannot read state file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces {@code file} with {@code s}, durably. */
    public static void write(Path file, TunnelState s) throws IOException {
        AtomicFiles.write(file, encode(s), AtomicFiles.OWNER_ONLY);
    }

    /**
     * The state to start from: the file's when it exists and matches {@code pad} and {@code role};
     * a fresh one (written durably before returning) when it is missing and the pad's first data slot
     * is intact. Erasure interrupted by a crash (slots erased beyond the recorded prefix) is picked up.
     */
    public static TunnelState loadOrCreate(Path file, PadFile pad, Role role) throws TunnelStateException {
        String fp = pad.fingerprintHex();
        try {
            TunnelState s;
            try {
                s = read(file);
            } catch (NoSuchFileException e) {
                if (pad.isErased(0)) {
                    long erased = pad.erasedPrefixFrom(0);
                    throw new TunnelStateException("state file " + file + " is missing, but pad " + pad.path()
                            + " (fingerprint " + fp + ") has its first " + erased
                            + " slot(s) erased, so it has been used: put this end's state file back if it still exists (never an"
                            + " older copy), otherwise retire the pad; starting from zero could reuse key material");
                }
                s = new TunnelState(fp, role, 0, 0, 0, pad.slotCount(), true);
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null && !Files.isDirectory(dir)) {
                    Files.createDirectories(
                            dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
                write(file, s);
                return s;
            }
            if (!s.padFingerprint().equals(fp)) {
                throw new TunnelStateException("state file " + file + " belongs to the pad with fingerprint "
                        + s.padFingerprint() + ", but pad " + pad.path() + " has fingerprint " + fp
                        + ": use the state file of this pad (or --state with a new path for a new pad)");
            }
            if (s.role() != role) {
                throw new TunnelStateException(
                        "state file " + file + " was written by the " + s.role().label() + ", but this end runs as the "
                                + role.label() + ": each end keeps its own state file");
            }
            if (s.padSlots() != 0 && s.padSlots() != pad.slotCount()) {
                throw new TunnelStateException("state file " + file + " records " + s.padSlots()
                        + " pad slots, but pad " + pad.path() + " has " + pad.slotCount()
                        + " with the same fingerprint: the pad was truncated or extended");
            }
            if (s.erasedSlots() > pad.dataSlotCount()) {
                throw new TunnelStateException("state file " + file + " records " + s.erasedSlots()
                        + " erased slots, more than the " + pad.dataSlotCount() + " data slots of pad " + pad.path());
            }
            long erased = pad.erasedPrefixFrom(s.erasedSlots());
            return erased == s.erasedSlots() ? s : s.withErased(erased);
        } catch (IOException e) {
            throw new TunnelStateException(
                    "cannot use state file " + file + " with pad " + pad.path() + ": " + e.getMessage(), e);
        }
    }
}
