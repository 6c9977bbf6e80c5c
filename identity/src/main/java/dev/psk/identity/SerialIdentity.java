package dev.psk.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The salted hardware-serial identity of the seed ("Deriving the identity token"):
 * {@code first_8_or_16_bytes(SHA-256("psk-tunnel/v1" ‖ deployment_salt ‖ serial))}.
 *
 * <p>The serial is the first non-empty of {@link #SERIAL_PATHS} under a root directory ("/" on a
 * device; a test directory in tests), with leading whitespace and trailing whitespace and NUL bytes
 * removed (the device-tree serial ends in NUL). An identifier, not a secret: pair it with a
 * hardware signature to stop insiders spoofing it.
 */
public final class SerialIdentity {
    /** The domain-separation prefix, exactly as the seed hashes it. */
    public static final byte[] CONTEXT = "psk-tunnel/v1".getBytes(StandardCharsets.US_ASCII);
    /** Where the serial is read from, in this order, relative to the root. */
    public static final List<String> SERIAL_PATHS =
            List.of("proc/device-tree/serial-number", "sys/class/dmi/id/product_uuid", "sys/class/dmi/id/board_serial");

    public static final int SHORT_BYTES = 8;
    public static final int LONG_BYTES = 16;

    private SerialIdentity() {}

    /**
     * The salted identity of the serial found under {@code root}.
     *
     * @param length 8 or 16
     * @throws IdentityException when no serial is found (the message lists the paths tried) or the length is wrong
     */
    public static byte[] derive(byte[] salt, int length, Path root) throws IdentityException {
        byte[] serial = readSerial(root);
        try {
            return derive(salt, serial, length);
        } finally {
            Arrays.fill(serial, (byte) 0);
        }
    }

    /** The formula itself, for a serial the caller already has. */
    public static byte[] derive(byte[] salt, byte[] serial, int length) throws IdentityException {
        if (length != SHORT_BYTES && length != LONG_BYTES) {
            throw new IdentityException("serial identity length: expected 8 or 16 bytes, got " + length);
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(CONTEXT);
            sha.update(salt);
            sha.update(serial);
            return Arrays.copyOf(sha.digest(), length);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * The trimmed serial bytes from the first candidate path that exists, is readable and is not
     * empty after trimming.
     *
     * @throws IdentityException "no stable hardware serial found" with every path tried and why it was skipped
     */
    public static byte[] readSerial(Path root) throws IdentityException {
        List<String> tried = new ArrayList<>();
        for (String rel : SERIAL_PATHS) {
            Path p = root.resolve(rel);
            try {
                byte[] raw = Files.readAllBytes(p);
                byte[] trimmed = trim(raw);
                Arrays.fill(raw, (byte) 0);
                if (trimmed.length > 0) {
                    return trimmed;
                }
                tried.add(p + " (empty)");
            } catch (java.nio.file.NoSuchFileException e) {
                tried.add(p + " (missing)");
            } catch (java.nio.file.AccessDeniedException e) {
                tried.add(p + " (permission denied)");
            } catch (IOException e) {
                tried.add(p + " (unreadable)");
            }
        }
        throw new IdentityException("no stable hardware serial found; tried " + String.join(", ", tried));
    }

    /** Leading ASCII whitespace and trailing ASCII whitespace and NUL bytes removed. */
    static byte[] trim(byte[] raw) {
        int start = 0;
        int end = raw.length;
        while (start < end && isSpace(raw[start])) {
            start++;
        }
        while (end > start && (isSpace(raw[end - 1]) || raw[end - 1] == 0)) {
            end--;
        }
        return Arrays.copyOfRange(raw, start, end);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == 0x0c;
    }
}
