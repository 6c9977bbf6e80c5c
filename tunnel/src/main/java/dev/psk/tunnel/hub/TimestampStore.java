package dev.psk.tunnel.hub;

import dev.psk.common.AtomicFiles;
import dev.psk.common.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The newest accepted TAI64N timestamp per client key, the hub's defence against a replayed
 * message 1, kept across restarts when a file is given.
 *
 * <p>Keys stay here after their client is removed (12 bytes of timestamp and 32 of key each), so a
 * client removed and added again still refuses its old message 1s.
 *
 * <p>Persistence is write-behind: {@link #flush} (the hub's timer, every 100 ms while something
 * changed, and at close) replaces the file atomically (temporary file, fsync, rename, fsync of the
 * directory), so the file is always either the previous or the new complete table, never torn. A
 * crash loses at most the timestamps accepted since the last flush: a message 1 accepted in that
 * last tenth of a second could be replayed once after the restart, and would produce only a
 * keypair nobody can use (the attacker lacks the keys; the genuine client's next handshake
 * replaces it). Writing before every message 2 would close that window at the cost of an fsync per
 * handshake, which a hub admitting thousands a second cannot pay.
 *
 * <p>File format (text): first line {@code psk-hub-timestamps 1}, then one line per key:
 * base64 public key, a space, 24 hex digits of TAI64N. Unreadable lines make the load fail.
 *
 * <p>Thread-safety: synchronized.
 */
final class TimestampStore {
    private static final String HEADER = "psk-hub-timestamps 1";

    private final Map<ByteBuffer, byte[]> newest = new HashMap<>();
    private final Object writeLock = new Object();
    private Path file;
    private boolean dirty;

    /**
     * From now on keeps the table in {@code file}: loads what it holds (the newer of the two
     * timestamps wins for each key) and writes there on {@link #flush}.
     *
     * @throws IOException when the file exists but cannot be read or is malformed
     */
    synchronized void persistTo(Path target) throws IOException {
        String text = null;
        try {
            text = Files.readString(target, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            // first start: nothing accepted yet
        }
        if (text != null) {
            String[] lines = text.split("\n");
            if (lines.length == 0 || !lines[0].equals(HEADER)) {
                throw new IOException(target + ": line 1: expected '" + HEADER + "'");
            }
            for (int i = 1; i < lines.length; i++) {
                String[] parts = lines[i].split(" ");
                byte[] key;
                byte[] ts;
                try {
                    key = Base64.getDecoder().decode(parts[0]);
                    ts = Hex.decode(parts[1]);
                } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                    key = null;
                    ts = null;
                }
                if (parts.length != 2 || key == null || key.length != 32 || ts.length != Tai64n.BYTES) {
                    throw new IOException(target + ": line " + (i + 1) + ": expected a base64 key and 24 hex digits");
                }
                ByteBuffer k = ByteBuffer.wrap(key);
                if (Tai64n.after(ts, newest.get(k))) {
                    newest.put(k, ts);
                }
            }
        }
        file = target;
        dirty = true;
    }

    /** Accepts {@code ts} for {@code publicKey} when it is strictly newer than every accepted one. */
    synchronized boolean accept(byte[] publicKey, byte[] ts) {
        ByteBuffer k = ByteBuffer.wrap(publicKey);
        if (!Tai64n.after(ts, newest.get(k))) {
            return false;
        }
        newest.put(k, ts.clone());
        dirty = true;
        return true;
    }

    synchronized int size() {
        return newest.size();
    }

    /** Writes the table if it changed since the last write; no-op in memory. Writers take turns, newest last. */
    void flush() throws IOException {
        synchronized (writeLock) {
            flushLocked();
        }
    }

    private void flushLocked() throws IOException {
        byte[] content;
        Path target;
        synchronized (this) {
            if (file == null || !dirty) {
                return;
            }
            target = file;
            StringBuilder sb = new StringBuilder(HEADER).append('\n');
            for (Map.Entry<ByteBuffer, byte[]> e : newest.entrySet()) {
                sb.append(Base64.getEncoder().encodeToString(e.getKey().array()))
                        .append(' ')
                        .append(Hex.encode(e.getValue()))
                        .append('\n');
            }
            content = sb.toString().getBytes(StandardCharsets.US_ASCII);
            dirty = false;
        }
        try {
            AtomicFiles.write(target, content, AtomicFiles.OWNER_ONLY);
        } catch (IOException e) {
            synchronized (this) {
                dirty = true;
            }
            throw e;
        }
    }
}
