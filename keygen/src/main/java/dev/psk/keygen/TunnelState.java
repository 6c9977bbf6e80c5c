package dev.psk.keygen;

import dev.psk.common.PskException;
import dev.psk.common.pad.PadLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fields of a psk-tunnel state file that {@code psk-keygen info --state} reads; every other
 * field is ignored (the tunnel owns the format: docs/protocol.md section 2).
 *
 * @param padFingerprint 32 lower-case hex digits ({@link PadLayout#fingerprint})
 * @param initiator whether this end is the initiator (sends A->B)
 * @param txReservedUntil exclusive upper bound of the TX sequence numbers possibly used
 * @param rxFloor the receiver accepts only sequences at or above this
 * @param erasedSlots slots {@code [0, erasedSlots)} have been overwritten
 */
public record TunnelState(
        String padFingerprint, boolean initiator, long txReservedUntil, long rxFloor, long erasedSlots) {
    public static final String FORMAT = "psk-tunnel-state/1";
    private static final long MAX_BYTES = 1 << 20;
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-fA-F]{" + 2 * PadLayout.FINGERPRINT_BYTES + "}");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** A state file that cannot be read or does not hold what is expected. */
    public static final class StateFileException extends PskException {
        private static final long serialVersionUID = 1L;

        StateFileException(String message) {
            super(message);
        }
    }

    /**
     * Reads and validates a state file.
     *
     * @throws StateFileException naming the file and the field that is missing or malformed
     */
    public static TunnelState read(Path file) throws StateFileException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new StateFileException("state " + file + ": larger than 1 MiB, not a psk-tunnel state file");
            }
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new StateFileException("state " + file + ": no such file");
        } catch (IOException e) {
            throw new StateFileException("state " + file + ": cannot read: " + e.getMessage());
        }
        return parse(text, "state " + file);
    }

    /** Parses state JSON; {@code what} names the input in errors. */
    public static TunnelState parse(String json, String what) throws StateFileException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new StateFileException(
                    what + ": not valid JSON: " + e.getOriginalMessage().replace('\n', ' '));
        }
        if (root == null || !root.isObject()) {
            throw new StateFileException(what + ": expected a JSON object");
        }
        String format = string(root, "format", what);
        if (!FORMAT.equals(format)) {
            throw new StateFileException(
                    what + ": field \"format\" is \"" + format + "\", expected \"" + FORMAT + "\"");
        }
        String fp = string(root, "pad_fingerprint", what);
        if (!FINGERPRINT.matcher(fp).matches()) {
            throw new StateFileException(
                    what + ": field \"pad_fingerprint\" must be " + 2 * PadLayout.FINGERPRINT_BYTES + " hex digits");
        }
        String role = string(root, "role", what);
        boolean initiator = switch (role) {
            case "initiator" -> true;
            case "responder" -> false;
            default ->
                throw new StateFileException(
                        what + ": field \"role\" is \"" + role + "\", expected \"initiator\" or \"responder\"");
        };
        return new TunnelState(
                fp.toLowerCase(Locale.ROOT),
                initiator,
                count(root, "tx_reserved_until", what),
                count(root, "rx_floor", what),
                count(root, "erased_slots", what));
    }

    private static String string(JsonNode root, String field, String what) throws StateFileException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new StateFileException(what + ": missing field \"" + field + "\"");
        }
        if (!n.isString()) {
            throw new StateFileException(what + ": field \"" + field + "\" must be a string");
        }
        return n.stringValue();
    }

    private static long count(JsonNode root, String field, String what) throws StateFileException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new StateFileException(what + ": missing field \"" + field + "\"");
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw new StateFileException(what + ": field \"" + field + "\" must be a non-negative integer, got " + n);
        }
        return n.longValue();
    }
}
