package dev.psk.tunnel.bench;

import dev.psk.tunnel.io.udp.DatagramBatch;
import dev.psk.tunnel.io.udp.NativeUdpSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loopback throughput of {@link NativeUdpSocket#send(DatagramBatch, int)} with UDP_SEGMENT on and
 * off, to a receiver with UDP_GRO on and off: one thread sends batches of {@code 32 x 1400}-byte
 * datagrams to one receiver for a fixed time while another drains it with {@code receive}. Prints
 * datagrams/s and MB/s sent and received per mode and ratios of the send rates (on loopback the
 * sender's thread also carries the datagrams up to the receiving socket). Bounded:
 * {@code rounds x modes x (warm-up + measure)}.
 *
 * <p>Run (after {@code mvn -pl tunnel -am test-compile}):
 * {@code java --enable-native-access=ALL-UNNAMED -cp tunnel/target/classes:tunnel/target/test-classes
 * dev.psk.tunnel.bench.UdpSegmentationBench [seconds] [rounds] [size]}
 */
public final class UdpSegmentationBench {
    private static final int BATCH = 32;

    private UdpSegmentationBench() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 1400;
        // sender offload / receiver offload: plain = neither; gro = receive offload only (copies, no coalescing).
        String[] modes = {"plain", "gso", "gro", "gso+gro"};
        double[] bestSend = new double[modes.length];
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < modes.length; m++) {
                double[] rate = run(modes[m], size, 0.5, seconds);
                System.out.printf(
                        "round %d %-7s sent %,10.0f dgram/s (%,7.1f MB/s)  received %,10.0f dgram/s (%,7.1f MB/s)%n",
                        r, modes[m], rate[0], rate[0] * size / 1e6, rate[1], rate[1] * size / 1e6);
                bestSend[m] = Math.max(bestSend[m], rate[0]);
            }
        }
        System.out.printf(
                "best send rate gso/plain = %.2f, gso+gro/gro = %.2f, gso+gro/plain = %.2f, gro/plain = %.2f"
                        + " (%d-byte datagrams, batches of %d)%n",
                bestSend[1] / bestSend[0],
                bestSend[3] / bestSend[2],
                bestSend[3] / bestSend[0],
                bestSend[2] / bestSend[0],
                size,
                BATCH);
    }

    /** {sent, received} datagrams per second over {@code seconds} after {@code warmup} seconds. */
    @SuppressWarnings("try") // resources held for their lifetime, closed by try
    private static double[] run(String mode, int size, double warmup, double seconds) throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        try (NativeUdpSocket tx = NativeUdpSocket.bind(any, 4 << 20);
                NativeUdpSocket rx = NativeUdpSocket.bind(any, 4 << 20, mode.endsWith("gro"))) {
            tx.segmentationOffload(mode.startsWith("gso"));
            AtomicLong received = new AtomicLong();
            Thread drain = Thread.ofPlatform().name("bench-rx").start(() -> {
                DatagramBatch in = rx.newBatch(BATCH, 2048);
                try {
                    int n;
                    while ((n = rx.receive(in)) > 0) {
                        received.addAndGet(n);
                    }
                } catch (IOException e) {
                    System.err.println("receive: " + e.getMessage());
                }
            });
            InetSocketAddress to = rx.localAddress();
            DatagramBatch out = tx.newBatch(BATCH, 2048);
            for (int i = 0; i < BATCH; i++) {
                for (int j = 0; j < size; j++) {
                    out.buffer(i).put(j, (byte) (i + j));
                }
            }
            long start = System.nanoTime();
            long measureFrom = start + (long) (warmup * 1e9);
            long end = measureFrom + (long) (seconds * 1e9);
            long sent = 0;
            long receivedAtStart = -1;
            long now;
            while ((now = System.nanoTime()) < end) {
                if (receivedAtStart < 0 && now >= measureFrom) {
                    receivedAtStart = received.get();
                    sent = 0;
                    measureFrom = now;
                }
                for (int i = 0; i < BATCH; i++) {
                    out.buffer(i).clear().limit(size);
                    out.destination(i, to);
                }
                int k = tx.send(out, BATCH);
                if (k < 0) {
                    throw new IllegalStateException("socket closed");
                }
                sent += k;
            }
            double elapsed = (System.nanoTime() - measureFrom) / 1e9;
            long got = received.get() - Math.max(receivedAtStart, 0);
            if (mode.startsWith("gso") && tx.segmentedSends() == 0) {
                throw new IllegalStateException(
                        "offload was never used (fallbacks " + tx.segmentationFallbacks() + ")");
            }
            rx.close();
            drain.join(5_000);
            return new double[] {sent / elapsed, got / elapsed};
        }
    }
}
