package dev.psk.attest.policy;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.ClockInfo;
import dev.psk.common.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The last TPM boot counters a verifier accepted from one device, kept in a small JSON file
 * ({@code {"resetCount": N, "restartCount": M, "clock": C}}) so a replayed old quote, or one from a
 * TPM whose counters were rolled back, can be told apart from a fresh one. Ordering is
 * lexicographic on (resetCount, restartCount): a TPM Reset (reboot) increments resetCount and sets
 * restartCount to 0 (TPM 2.0 Part 1 §36.4), so restartCount alone may legitimately go down.
 */
public record ClockRecord(long resetCount, long restartCount, long clock) {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final int MAX_BYTES = 4096;

    public static ClockRecord of(ClockInfo info) {
        return new ClockRecord(info.resetCount(), info.restartCount(), info.clock());
    }

    /** Why {@code now} is older than this record, or {@code null} when it is not. */
    public String regression(ClockInfo now) {
        if (now.resetCount() < resetCount) {
            return "resetCount " + now.resetCount() + " is lower than the last seen " + resetCount;
        }
        if (now.resetCount() == resetCount && now.restartCount() < restartCount) {
            return "restartCount " + now.restartCount() + " is lower than the last seen " + restartCount
                    + " with the same resetCount";
        }
        return null;
    }

    /** Reads a record; empty when the file does not exist yet (first contact). */
    public static Optional<ClockRecord> read(Path file) throws TpmFormatException, IOException {
        byte[] b;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new TpmFormatException("clock state " + file + ": larger than " + MAX_BYTES + " bytes");
            }
            b = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            JsonNode n = MAPPER.readTree(b);
            return Optional.of(new ClockRecord(
                    counter(n, "resetCount", file), counter(n, "restartCount", file), counter(n, "clock", file)));
        } catch (JacksonException e) {
            throw new TpmFormatException("clock state " + file + ": not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static long counter(JsonNode n, String field, Path file) throws TpmFormatException {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new TpmFormatException("clock state " + file + ": \"" + field + "\" must be a non-negative integer");
        }
        return v.longValue();
    }

    /** Replaces the file atomically (temp, fsync, rename, directory fsync). */
    public void write(Path file) throws IOException {
        String json = "{\"resetCount\": " + resetCount + ", \"restartCount\": " + restartCount + ", \"clock\": " + clock
                + "}\n";
        AtomicFiles.write(file, json.getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
    }
}
