package dev.psk.keygen;

import dev.psk.common.pad.PadLayout;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A requested pad size and the whole-slot size it rounds down to.
 *
 * <p>Units follow GNU coreutils ({@code head -c}, {@code dd}): a bare letter and the IEC "iB"
 * forms are binary (K = KiB = 1024), the SI "B" forms are decimal (KB = kB = 1000). A plain number,
 * or a number followed by {@code B}, {@code byte} or {@code bytes}, is a byte count. A decimal
 * fraction is allowed ({@code 1.5GiB}); the result is floored to whole bytes, then to whole
 * 120-byte slots.
 *
 * @param requestedBytes what the user asked for
 * @param bytes the pad's actual size: {@code slots * 120}
 */
public record PadSize(long requestedBytes, long bytes) {
    /** Largest accepted request: 256 PiB keeps every capacity figure (2 x slots x 1000) inside a long. */
    public static final long MAX_BYTES = 1L << 58;

    /** The text of {@code --help} describing the accepted forms. */
    public static final String UNITS_HELP =
            "SIZE is a number with an optional unit: K, M, G, T or KiB, MiB, GiB, TiB are binary (1K = 1024);"
                    + " KB, MB, GB, TB are decimal (1KB = 1000); B, byte, bytes or none = bytes."
                    + " Fractions are allowed (1.5GiB). Rounded down to whole 120-byte slots; at least 120 bytes.";

    private static final Pattern FORM = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*([A-Za-z]*)\\s*");

    public PadSize {
        if (bytes % PadLayout.SLOT_BYTES != 0 || bytes > requestedBytes || bytes <= 0) {
            throw new IllegalArgumentException(
                    "pad size " + bytes + " is not a positive whole-slot rounding of " + requestedBytes);
        }
    }

    /**
     * Parses a size.
     *
     * @throws IllegalArgumentException naming the input and the expected form when it is malformed,
     *     too large, or smaller than one slot
     */
    public static PadSize parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("size: expected a number with an optional unit, got nothing");
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "size '" + text + "': expected a number with an optional unit such as 1GiB, 512MiB, 2GB or 120000");
        }
        long multiplier = multiplier(m.group(2), text);
        BigDecimal value = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier));
        BigDecimal floored = value.setScale(0, RoundingMode.FLOOR);
        if (floored.compareTo(BigDecimal.valueOf(MAX_BYTES)) > 0) {
            throw new IllegalArgumentException("size '" + text + "': at most 256 PiB is supported");
        }
        long requested = floored.longValueExact();
        return ofBytes(requested, text);
    }

    /** The whole-slot size for a byte count. */
    public static PadSize ofBytes(long requested) {
        return ofBytes(requested, Long.toString(requested));
    }

    private static PadSize ofBytes(long requested, String text) {
        if (requested > MAX_BYTES) {
            throw new IllegalArgumentException("size '" + text + "': at most 256 PiB is supported");
        }
        long slots = PadLayout.slotCount(requested);
        if (slots < 1) {
            throw new IllegalArgumentException("size '" + text + "' is " + requested + " bytes, less than one "
                    + PadLayout.SLOT_BYTES + "-byte slot");
        }
        return new PadSize(requested, slots * PadLayout.SLOT_BYTES);
    }

    public long slots() {
        return bytes / PadLayout.SLOT_BYTES;
    }

    /** Bytes dropped by rounding down to whole slots (0..119). */
    public long roundedOffBytes() {
        return requestedBytes - bytes;
    }

    private static long multiplier(String unit, String text) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "", "b", "byte", "bytes" -> 1L;
            case "k", "kib" -> 1L << 10;
            case "m", "mib" -> 1L << 20;
            case "g", "gib" -> 1L << 30;
            case "t", "tib" -> 1L << 40;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            case "tb" -> 1_000_000_000_000L;
            default ->
                throw new IllegalArgumentException("size '" + text + "': unknown unit '" + unit
                        + "' (expected K, M, G, T, KiB, MiB, GiB, TiB, KB, MB, GB, TB or bytes)");
        };
    }
}
