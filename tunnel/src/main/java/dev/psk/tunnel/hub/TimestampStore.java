package dev.psk.tunnel.hub;

import dev.psk.common.AtomicFiles;
import dev.psk.common.Hex;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
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
 * <p>For the recovery after a restart (docs/hub.md, "Recovery from a hub restart") each key also
 * keeps when the hub accepted that timestamp (Unix seconds, the hub's clock) and the client's last
 * endpoint (learnt from its authentic packets); {@link #restored} lists the clients that had a
 * live session when the file was written, for {@link RestartHints}.
 *
 * <p>File format (text): first line {@code psk-hub-timestamps 2}, then one line per key: base64
 * public key, a space, 24 hex digits of TAI64N, and optionally a space, the Unix second it was
 * accepted, a space and the endpoint ({@code 192.0.2.7:41000}, {@code [2001:db8::7]:41000} or
 * {@code -}). Version 1 files (key and timestamp only) are read too. Unreadable lines make the
 * load fail.
 *
 * <p>Thread-safety: synchronized.
 */
final class TimestampStore {
    private static final String HEADER = "psk-hub-timestamps 2";
    private static final String HEADER_V1 = "psk-hub-timestamps 1";

    /** A client that may have had a live session when the file was written. */
    record Restored(byte[] publicKey, byte[] timestamp, InetSocketAddress endpoint) {}

    private final Map<ByteBuffer, byte[]> newest = new HashMap<>();
    private final Map<ByteBuffer, Long> acceptedAt = new HashMap<>();
    private final Map<ByteBuffer, InetSocketAddress> endpoints = new HashMap<>();
    private final List<Restored> restored = new ArrayList<>();
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
            if (lines.length == 0 || !(lines[0].equals(HEADER) || lines[0].equals(HEADER_V1))) {
                throw new IOException(target + ": line 1: expected '" + HEADER + "'");
            }
            for (int i = 1; i < lines.length; i++) {
                readLine(target, i + 1, lines[i]);
            }
        }
        file = target;
        dirty = true;
    }

    private void readLine(Path target, int line, String text) throws IOException {
        String[] parts = text.split(" ");
        byte[] key;
        byte[] ts;
        long at = 0;
        InetSocketAddress ep = null;
        try {
            key = Base64.getDecoder().decode(parts[0]);
            ts = Hex.decode(parts[1]);
            if (parts.length == 4) {
                at = Long.parseLong(parts[2]);
                ep = parts[3].equals("-") ? null : endpoint(parts[3]);
            }
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            key = null;
            ts = null;
        }
        if ((parts.length != 2 && parts.length != 4) || key == null || key.length != 32 || ts.length != Tai64n.BYTES) {
            throw new IOException(target + ": line " + line
                    + ": expected a base64 key, 24 hex digits, and optionally a Unix time and an endpoint");
        }
        ByteBuffer k = ByteBuffer.wrap(key);
        if (Tai64n.after(ts, newest.get(k))) {
            newest.put(k, ts);
            acceptedAt.put(k, at);
            if (ep != null) {
                endpoints.put(k, ep);
            }
            // A session lives at most REJECT_AFTER_TIME after its handshake: older ones are gone anyway.
            long age = java.time.Instant.now().getEpochSecond() - at;
            restored.removeIf(r -> ByteBuffer.wrap(r.publicKey()).equals(k));
            if (ep != null && age >= 0 && age < dev.psk.tunnel.noise.NoiseLimits.REJECT_AFTER_TIME.toSeconds()) {
                restored.add(new Restored(key, ts, ep));
            }
        }
    }

    /** {@code 192.0.2.7:41000} or {@code [2001:db8::7]:41000}: IP literals only (no name lookup). */
    private static InetSocketAddress endpoint(String s) {
        int colon = s.lastIndexOf(':');
        String host = s.substring(0, Math.max(colon, 0));
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (colon <= 0 || !(host.indexOf(':') >= 0 || host.matches("[0-9.]+"))) {
            throw new IllegalArgumentException("not an IP endpoint");
        }
        try {
            return new InetSocketAddress(InetAddress.ofLiteral(host), Integer.parseInt(s.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP endpoint", e);
        }
    }

    private static String format(InetSocketAddress ep) {
        if (ep == null) {
            return "-";
        }
        String host = ep.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + ep.getPort();
    }

    /** Accepts {@code ts} for {@code publicKey} when it is strictly newer than every accepted one. */
    synchronized boolean accept(byte[] publicKey, byte[] ts) {
        ByteBuffer k = ByteBuffer.wrap(publicKey);
        if (!Tai64n.after(ts, newest.get(k))) {
            return false;
        }
        newest.put(k, ts.clone());
        acceptedAt.put(k, java.time.Instant.now().getEpochSecond());
        dirty = true;
        return true;
    }

    /** Notes where the client with {@code publicKey} is now (its authentic packets come from there). */
    synchronized void recordEndpoint(byte[] publicKey, InetSocketAddress endpoint) {
        ByteBuffer k = ByteBuffer.wrap(publicKey);
        if (endpoint != null && !endpoint.equals(endpoints.get(k))) {
            endpoints.put(k, endpoint);
            dirty = true;
        }
    }

    /**
     * The clients the loaded file says had a live session: an endpoint, and a handshake accepted
     * less than REJECT_AFTER_TIME before it was loaded.
     */
    synchronized List<Restored> restored() {
        return List.copyOf(restored);
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
                        .append(' ')
                        .append(acceptedAt.getOrDefault(e.getKey(), 0L))
                        .append(' ')
                        .append(format(endpoints.get(e.getKey())))
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
