package dev.psk.tunnel.device;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.io.tun.TunDevice;
import dev.psk.tunnel.io.udp.DatagramBatch;
import dev.psk.tunnel.io.udp.NativeUdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The receive loop: UDP datagrams (one {@code recvmmsg(2)} blocks for the first and takes up to
 * {@link #BATCH} already queued) → peer → session open (in place) → TUN write, datagram by datagram
 * in arrival order. Owns its batch and AEAD; nothing is allocated and nothing thrown per datagram.
 * Non-PSK2 datagrams go to the control handler.
 */
final class ReceivePath implements Runnable {
    /** Datagrams per receive: as many as SendPath sends per batch, so a whole TSO burst is joined into one TUN frame. */
    static final int BATCH = 64;

    private final Device device;
    private final NativeUdpSocket socket;
    private final TunDevice tun;
    private final PeerDirectory peers;
    private final PacketAead aead;
    private final DatagramBatch batch;
    private final ByteBuffer[] readOnlyViews = new ByteBuffer[BATCH];

    ReceivePath(
            Device device,
            NativeUdpSocket socket,
            TunDevice tun,
            PeerDirectory peers,
            PacketAead aead,
            int bufferBytes) {
        this.device = device;
        this.socket = socket;
        this.tun = tun;
        this.peers = peers;
        this.aead = aead;
        this.batch = socket.newBatch(BATCH, bufferBytes);
        for (int i = 0; i < BATCH; i++) {
            readOnlyViews[i] = batch.buffer(i).asReadOnlyBuffer();
        }
    }

    @Override
    public void run() {
        try {
            while (device.running()) {
                int n;
                try {
                    n = socket.receive(batch);
                } catch (IOException e) {
                    device.transientError("UDP receive", e);
                    continue;
                }
                if (n < 0) {
                    device.failed("UDP socket closed under the tunnel");
                    return;
                }
                for (int i = 0; i < n; i++) {
                    InetSocketAddress src = batch.source(i);
                    if (src != null) {
                        handle(src, batch.buffer(i), readOnlyViews[i], batch.length(i));
                    } else {
                        device.counters().drop(DropReason.UNKNOWN_PEER); // not an IP sender: cannot be a peer
                    }
                }
                try {
                    tun.flush(); // packets the device held back to join them go out before we wait again
                } catch (IOException e) {
                    device.counters().drop(DropReason.TUN_WRITE);
                }
            }
        } finally {
            aead.close();
        }
    }

    private void handle(InetSocketAddress src, ByteBuffer buf, ByteBuffer readOnlyView, int len) {
        buf.limit(buf.capacity()).position(Math.min(len, buf.capacity())); // as a single receive leaves it
        if (!peers.isData(buf, len)) {
            ControlPacketHandler h = device.controlHandler();
            if (h == null) {
                device.counters().drop(DropReason.CONTROL_UNHANDLED);
                return;
            }
            readOnlyView.clear().limit(len);
            try {
                h.onControlPacket(readOnlyView, len, src, device);
            } catch (RuntimeException e) {
                device.transientError("control handler", e);
            }
            return;
        }
        Peer peer = peers.forDatagram(src, buf, len);
        if (peer == null) {
            device.counters().drop(DropReason.UNKNOWN_PEER);
            return;
        }
        TrafficCounters c = peer.counters();
        if (!peer.dataAllowed()) {
            c.drop(DropReason.GATED);
            return;
        }
        var session = peer.session();
        DropReason r = session.open(buf, len, aead);
        if (r != null) {
            c.drop(r);
            return;
        }
        int start = session.headerBytes();
        int end = len - session.tagBytes();
        buf.limit(end).position(start);
        try {
            tun.write(buf);
            c.received(end - start);
        } catch (IOException e) {
            c.drop(DropReason.TUN_WRITE);
        }
    }
}
