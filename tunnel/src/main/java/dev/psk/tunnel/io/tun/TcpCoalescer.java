package dev.psk.tunnel.io.tun;

import static dev.psk.tunnel.io.tun.InternetChecksum.PROTO_TCP;
import static dev.psk.tunnel.io.tun.InternetChecksum.put16;
import static dev.psk.tunnel.io.tun.InternetChecksum.u16;
import static dev.psk.tunnel.io.tun.TcpIpHeaders.ACK;
import static dev.psk.tunnel.io.tun.TcpIpHeaders.PSH;

import java.nio.ByteBuffer;

/**
 * Receive offload in user space: joins consecutive in-order segments of one TCP flow into a single
 * GSO frame ({@link VirtioNetHeader} + packet), so the kernel behind a TUN device with offloads on
 * handles one large packet instead of dozens of small ones, as its own GRO would.
 *
 * <p>A packet joins the pending frame only if it continues it exactly: same IP version, addresses,
 * TOS/traffic class and TTL/hop limit; no IPv4 options or fragments, no IPv6 extension headers; same
 * ports, acknowledgement number, window and TCP option bytes; flags ACK or ACK|PSH and no PSH
 * already pending; sequence number right after the pending payload; a payload no larger than the
 * first (and every earlier one full-sized); 64 KiB at most. Its checksum must also be valid: the
 * joined frame is handed over with a partial checksum, which the kernel trusts, so a corrupt segment
 * must not get in (a frame of one packet is written unchanged and the kernel checks it). Anything
 * else is written on its own, after whatever was pending, so packet order is kept.
 *
 * <p>Usage per packet: {@link #append} it, and if that returns false, write out {@link #take()} if
 * not {@link #isEmpty()}, then {@link #start} the packet. {@code take()} before any pause. Not
 * thread-safe: owned by the TUN writer. Nothing is allocated after construction.
 */
final class TcpCoalescer {
    /** IP total length field limit; also the largest frame the TUN driver takes. */
    static final int MAX_PACKET_BYTES = 65535;

    static final int MAX_SEGMENTS = 64;

    private final ByteBuffer frame = ByteBuffer.allocateDirect(VirtioNetHeader.BYTES + MAX_PACKET_BYTES);
    private final int ip = VirtioNetHeader.BYTES;
    private int length; // packet bytes in the frame after the virtio header; 0 = empty
    private boolean open; // may take more segments
    private boolean v6;
    private int ipHeaderLen;
    private int headersLen;
    private int mss;
    private int lastPayload;
    private int segments;
    private int nextSeq;
    private boolean headVerified;
    private long coalesced;

    boolean isEmpty() {
        return length == 0;
    }

    /** Whether the pending frame may still take segments (false when empty, closed by PSH or full). */
    boolean canGrow() {
        return open && length != 0 && segments < MAX_SEGMENTS && length + mss <= MAX_PACKET_BYTES;
    }

    /** Packets in the pending frame (0 when empty). */
    int pendingSegments() {
        return length == 0 ? 0 : segments;
    }

    /**
     * Packets that went out inside a joined frame rather than on their own. Written by the owning
     * thread only; another thread (stats) may read a slightly stale value.
     */
    long coalescedPackets() {
        return coalesced;
    }

    /** Starts a frame with the packet {@code b[off, off + len)}; the coalescer must be empty. */
    void start(ByteBuffer b, int off, int len) {
        frame.clear(); // take() left the limit at the previous frame's end
        frame.put(ip, b, off, len);
        length = len;
        segments = 1;
        headVerified = false;
        open = len <= MAX_PACKET_BYTES && parseCandidate();
    }

    /** Appends the packet to the pending frame if it continues it; false (nothing changed) otherwise. */
    boolean append(ByteBuffer b, int off, int len) {
        if (!open || segments >= MAX_SEGMENTS || len <= headersLen) {
            return false;
        }
        int payload = len - headersLen;
        if (lastPayload != mss || payload > mss || length + payload > MAX_PACKET_BYTES) {
            return false;
        }
        if (((b.get(off) & 0xff) >>> 4) != (v6 ? 6 : 4)) {
            return false;
        }
        if (v6) {
            // version/class/flow (4), skip payload length (2), next header + hop limit (2), addresses (32)
            if (InternetChecksum.s32(b, off) != InternetChecksum.s32(frame, ip)
                    || u16(b, off + 4) != len - 40
                    || u16(b, off + 6) != u16(frame, ip + 6)
                    || !same(b, off + 8, ip + 8, 32)) {
                return false;
            }
        } else {
            // header length/TOS (2), total length, id (free), flags/fragment, TTL/protocol, addresses
            if (u16(b, off) != u16(frame, ip)
                    || u16(b, off + 2) != len
                    || u16(b, off + 6) != u16(frame, ip + 6)
                    || u16(b, off + 8) != u16(frame, ip + 8)
                    || !same(b, off + 12, ip + 12, 8)) {
                return false;
            }
        }
        int tcp = off + ipHeaderLen;
        int ftcp = ip + ipHeaderLen;
        int flags = b.get(tcp + 13) & 0xff;
        if (InternetChecksum.s32(b, tcp + 4) != nextSeq
                || (flags != ACK && flags != (ACK | PSH))
                || (b.get(tcp + 12) & 0xf0) != (frame.get(ftcp + 12) & 0xf0)
                || InternetChecksum.s32(b, tcp) != InternetChecksum.s32(frame, ftcp) // ports
                || InternetChecksum.s32(b, tcp + 8) != InternetChecksum.s32(frame, ftcp + 8) // ack
                || u16(b, tcp + 14) != u16(frame, ftcp + 14) // window
                || u16(b, tcp + 18) != 0
                || !same(b, tcp + 20, ftcp + 20, headersLen - ipHeaderLen - 20)) {
            return false;
        }
        if (!headVerified) {
            if (!validChecksum(frame, ip, length)) {
                open = false; // the kernel will check (and drop) it alone
                return false;
            }
            headVerified = true;
        }
        if (!validChecksum(b, off, len)) {
            return false;
        }
        frame.put(ip + length, b, off + headersLen, payload);
        length += payload;
        lastPayload = payload;
        nextSeq += payload;
        segments++;
        coalesced += segments == 2 ? 2 : 1;
        if ((flags & PSH) != 0) {
            frame.put(ftcp + 13, (byte) (frame.get(ftcp + 13) | PSH));
            open = false; // PSH ends a burst: nothing may follow it in this frame
        }
        return true;
    }

    /**
     * Finishes the pending frame and empties the coalescer. The returned buffer (owned by this
     * object; valid until the next call) holds virtio header + packet from position 0 to its limit.
     */
    ByteBuffer take() {
        if (segments == 1) {
            VirtioNetHeader.putPlain(frame, 0);
        } else {
            if (v6) {
                put16(frame, ip + 4, length - 40);
            } else {
                put16(frame, ip + 2, length);
                InternetChecksum.fillIpv4Header(frame, ip, ipHeaderLen);
            }
            int l4Len = length - ipHeaderLen;
            // Partial checksum (virtio NEEDS_CSUM): the field holds the folded pseudo-header sum.
            put16(
                    frame,
                    ip + ipHeaderLen + 16,
                    InternetChecksum.fold(InternetChecksum.pseudoHeader(frame, ip, v6, PROTO_TCP, l4Len)));
            VirtioNetHeader.putTcpGso(frame, 0, v6, headersLen, mss, ipHeaderLen);
        }
        frame.limit(ip + length).position(0);
        length = 0;
        open = false;
        return frame;
    }

    /** Reads the started packet's headers; true if later segments may join it. */
    private boolean parseCandidate() {
        int len = length;
        ipHeaderLen = TcpIpHeaders.ipHeaderLength(frame, ip, len);
        v6 = ipHeaderLen > 0 && TcpIpHeaders.isV6(frame, ip);
        if (ipHeaderLen < 0 || (!v6 && ipHeaderLen != 20)) { // IPv4 options are never joined
            return false;
        }
        int tcp = ip + ipHeaderLen;
        int tcpHeaderLen = TcpIpHeaders.tcpHeaderLength(frame, tcp);
        int flags = frame.get(tcp + 13) & 0xff;
        headersLen = ipHeaderLen + tcpHeaderLen;
        if (tcpHeaderLen < 20 || headersLen >= len || flags != ACK || u16(frame, tcp + 18) != 0) {
            return false;
        }
        mss = len - headersLen;
        lastPayload = mss;
        nextSeq = InternetChecksum.s32(frame, tcp + 4) + mss;
        return true;
    }

    private boolean same(ByteBuffer b, int off, int frameOff, int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            if (InternetChecksum.s64(b, off + i) != InternetChecksum.s64(frame, frameOff + i)) {
                return false;
            }
        }
        for (; i < n; i++) {
            if (b.get(off + i) != frame.get(frameOff + i)) {
                return false;
            }
        }
        return true;
    }

    /** True if the TCP checksum of the IP packet {@code b[off, off + len)} verifies. */
    private boolean validChecksum(ByteBuffer b, int off, int len) {
        return TcpIpHeaders.tcpSum(b, off, v6, ipHeaderLen, len - ipHeaderLen) == 0xffff;
    }
}
