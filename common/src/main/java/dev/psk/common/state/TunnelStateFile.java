package dev.psk.common.state;

import dev.psk.common.AtomicFiles;
import dev.psk.common.pad.PadLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one reader and writer of the tunnel state file (JSON, format {@value #FORMAT},
 * docs/protocol.md section "tunnel-state"), shared by psk-tunnel and {@code psk-keygen info}.
 *
 * <p>Reading is strict about what it needs and tolerant of what it does not: one JSON object, no
 * duplicate keys, nothing after it; {@code format}, {@code pad_fingerprint} (32 lower-case hex
 * digits), {@code role}, {@code tx_reserved_until}, {@code rx_floor} and {@code erased_slots}
 * required; {@code pad_slots} optional (a non-negative integer when present); {@code clean_stop}
 * optional, and anything but {@code true} reads as a crash (the safe reading); other fields
 * ignored. Whether the state fits a given pad is the caller's question (the tunnel checks it
 * against the pad it opens, keygen against the pad it inspects).
 *
 * <p>Writing replaces the file durably through {@link AtomicFiles} (temp file, fsync, rename,
 * directory fsync), owner-only.
 */
public final class TunnelStateFile {
    public static final String FORMAT = "psk-tunnel-state/1";

    /** A state file is a few hundred bytes; anything this large is not one. */
    public static final int MAX_BYTES = 64 * 1024;

    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{" + 2 * PadLayout.FINGERPRINT_BYTES + "}");
    private static final List<String> REQUIRED =
            List.of("format", "pad_fingerprint", "role", "tx_reserved_until", "rx_floor", "erased_slots");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private TunnelStateFile() {}

    /**
     * Reads and parses {@code file}.
     *
     * @throws NoSuchFileException when the file does not exist (the tunnel then starts afresh)
     * @throws StateFileException when it cannot be read or is not a state file; the message starts
     *     with {@code "state file <file>"}
     */
    public static TunnelState read(Path file) throws StateFileException, NoSuchFileException {
        String what = "state file " + file;
        byte[] content;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new StateFileException(what, "larger than " + MAX_BYTES + " bytes, not a psk-tunnel state file");
            }
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new StateFileException(what, "cannot read: " + dev.psk.common.IoErrors.reason(e), true);
        }
        return parse(content, what);
    }

    /**
     * Parses a state file's content; {@code what} names the input in errors.
     *
     * @throws StateFileException naming the field that is missing or malformed
     */
    public static TunnelState parse(byte[] content, String what) throws StateFileException {
        if (content.length > MAX_BYTES) {
            throw new StateFileException(
                    what, "it has " + content.length + " bytes, a state file has under " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JacksonException e) {
            throw new StateFileException(
                    what, "not valid JSON: " + e.getOriginalMessage().replace('\n', ' '));
        }
        if (root == null || !root.isObject()) {
            throw new StateFileException(what, "expected a JSON object");
        }
        for (String field : REQUIRED) {
            if (!root.has(field) || root.get(field).isNull()) {
                throw new StateFileException(what, "missing field \"" + field + "\"");
            }
        }
        String format = string(root, "format", what);
        if (!FORMAT.equals(format)) {
            throw new StateFileException(what, "field \"format\" is \"" + format + "\", expected \"" + FORMAT + "\"");
        }
        String fp = string(root, "pad_fingerprint", what);
        if (!isFingerprint(fp)) {
            throw new StateFileException(
                    what,
                    "field \"pad_fingerprint\" must be " + 2 * PadLayout.FINGERPRINT_BYTES + " lower-case hex digits");
        }
        String role = string(root, "role", what);
        boolean initiator = switch (role) {
            case "initiator" -> true;
            case "responder" -> false;
            default ->
                throw new StateFileException(
                        what, "field \"role\" is \"" + role + "\", expected \"initiator\" or \"responder\"");
        };
        long padSlots = root.has("pad_slots") ? count(root, "pad_slots", what) : 0;
        JsonNode clean = root.get("clean_stop");
        return new TunnelState(
                fp,
                initiator,
                count(root, "tx_reserved_until", what),
                count(root, "rx_floor", what),
                count(root, "erased_slots", what),
                padSlots,
                clean != null && clean.isBoolean() && clean.booleanValue());
    }

    /** The file's content for {@code s}; {@code updated} is informational. */
    public static byte[] encode(TunnelState s, Instant updated) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("pad_fingerprint", s.padFingerprint());
        n.put("role", s.roleLabel());
        n.put("tx_reserved_until", s.txReservedUntil());
        n.put("rx_floor", s.rxFloor());
        n.put("erased_slots", s.erasedSlots());
        n.put("pad_slots", s.padSlots());
        n.put("clean_stop", s.cleanStop());
        n.put("packets_per_slot", PadLayout.PACKETS_PER_SLOT);
        n.put("updated", updated.toString());
        return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Replaces {@code file} with {@code s}, durably and owner-only. */
    public static void write(Path file, TunnelState s) throws IOException {
        AtomicFiles.write(file, encode(s, Instant.now()), AtomicFiles.OWNER_ONLY);
    }

    static boolean isFingerprint(String s) {
        return s != null && FINGERPRINT.matcher(s).matches();
    }

    static String roleLabel(boolean initiator) {
        return initiator ? "initiator" : "responder";
    }

    private static String string(JsonNode root, String field, String what) throws StateFileException {
        JsonNode n = root.get(field);
        if (!n.isString()) {
            throw new StateFileException(what, "field \"" + field + "\" must be a string, got " + n);
        }
        return n.stringValue();
    }

    private static long count(JsonNode root, String field, String what) throws StateFileException {
        JsonNode n = root.get(field);
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw new StateFileException(
                    what, "field \"" + field + "\" must be a non-negative integer below 2^63, got " + n);
        }
        return n.longValue();
    }
}
