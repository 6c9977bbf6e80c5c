package dev.psk.tunnel.io.udp;

import dev.psk.tunnel.io.Libc;
import java.lang.foreign.MemorySegment;

/**
 * The batch-send half of a {@link NativeUdpSocket}: {@code sendmmsg(2)} of a {@link DatagramBatch},
 * with runs of equal datagrams to one destination coalesced by {@code UDP_SEGMENT} while the kernel
 * takes it (see {@link NativeUdpSocket#send(DatagramBatch, int)} for the contract). Used by the
 * socket's one batch-sending thread inside the socket's enter/leave bracket; the offload state is
 * volatile so that other threads may read it for stats and flip the switch.
 */
final class BatchSender {
    private final NativeUdpSocket owner;
    private final int fd;
    private final MemorySegment capture;
    private volatile boolean wanted = true;
    private volatile boolean refused;
    private volatile long fallbacks;
    private volatile long segmentedSends;

    BatchSender(NativeUdpSocket owner, int fd, MemorySegment capture, boolean segmentationSupported) {
        this.owner = owner;
        this.fd = fd;
        this.capture = capture;
        if (!segmentationSupported) {
            refused = true;
            fallbacks = 1;
        }
    }

    /** Slots {@code 0..n-1} in order; how many went, or -1 once the socket is closing. */
    int send(DatagramBatch batch, int n) throws Throwable {
        batch.prepareSend(n);
        if (n > 1 && wanted && !refused) {
            int m = batch.planSegments(n, Libc.UDP_MAX_SEGMENTS, Libc.UDP_MAX_PAYLOAD_BYTES);
            if (m < n) {
                return sendSegmented(batch, n, m);
            }
        }
        return sendPlain(batch, 0, n);
    }

    /** Slots {@code from..from+count-1}, one message each; how many went, or -1 once closed. */
    private int sendPlain(DatagramBatch batch, int from, int count) throws Throwable {
        int done = 0;
        int ok = 0;
        while (done < count) {
            int k = sendmmsg(capture, fd, batch.vectorFrom(from + done), count - done);
            if (owner.closing()) {
                return -1;
            }
            if (k > 0) {
                for (int i = from + done; i < from + done + k; i++) {
                    batch.markSent(i, true);
                }
                done += k;
                ok += k;
                continue;
            }
            int e = k < 0 ? Libc.errno(capture) : Libc.EINTR;
            if (e == Libc.EINTR) {
                continue;
            }
            if (e == Libc.EBADF || e == Libc.EPIPE) {
                return -1;
            }
            batch.markSent(from + done, false); // this datagram failed; go on with the next
            done++;
        }
        return ok;
    }

    /**
     * The {@code m} messages {@link DatagramBatch#planSegments} made of slots {@code 0..n-1}. A
     * refused run is sent again plainly (a failed sendmsg sent nothing), so a refusal costs only the
     * datagram that caused it, as on the plain path.
     */
    private int sendSegmented(DatagramBatch batch, int n, int m) throws Throwable {
        int done = 0;
        int ok = 0;
        while (done < m) {
            int k = sendmmsg(capture, fd, batch.segmentVectorFrom(done), m - done);
            if (owner.closing()) {
                return -1;
            }
            if (k > 0) {
                long runs = 0;
                for (int j = done; j < done + k; j++) {
                    int first = batch.messageFirst(j);
                    int count = batch.messageCount(j);
                    for (int i = first; i < first + count; i++) {
                        batch.markSent(i, true);
                    }
                    ok += count;
                    if (count > 1) {
                        runs++;
                    }
                }
                if (runs > 0) {
                    segmentedSends += runs;
                }
                done += k;
                continue;
            }
            int e = k < 0 ? Libc.errno(capture) : Libc.EINTR;
            if (e == Libc.EINTR) {
                continue;
            }
            if (e == Libc.EBADF || e == Libc.EPIPE) {
                return -1;
            }
            int first = batch.messageFirst(done);
            int count = batch.messageCount(done);
            done++;
            if (count == 1) {
                batch.markSent(first, false);
                continue;
            }
            int r = sendPlain(batch, first, count);
            if (r < 0) {
                return -1;
            }
            ok += r;
            if (r > 0 && refuses(e)) {
                // The datagrams go, the offload does not: stop asking, send the rest plainly.
                refused = true;
                fallbacks++;
                if (done < m) {
                    int rest = batch.messageFirst(done);
                    r = sendPlain(batch, rest, n - rest);
                    if (r < 0) {
                        return -1;
                    }
                    ok += r;
                }
                return ok;
            }
        }
        return ok;
    }

    private static boolean refuses(int errno) {
        return errno == Libc.EIO || errno == Libc.EINVAL || errno == Libc.ENOPROTOOPT || errno == Libc.EOPNOTSUPP;
    }

    boolean offload() {
        return wanted && !refused;
    }

    void offload(boolean on) {
        wanted = on;
    }

    long fallbacks() {
        return fallbacks;
    }

    long segmentedSends() {
        return segmentedSends;
    }

    // Small for the reason NativeUdpSocket.recvmmsg is; and for sendmmsg even that was not enough,
    // so the first attempt goes without errno capture (see Libc.SENDMMSG_FAST).
    private static int sendmmsg(MemorySegment capture, int fd, MemorySegment vector, int n) throws Throwable {
        int k = (int) Libc.SENDMMSG_FAST.invokeExact(fd, vector, n, 0);
        return k >= 0 ? k : (int) Libc.SENDMMSG.invokeExact(capture, fd, vector, n, 0);
    }
}
