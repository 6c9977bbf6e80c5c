package dev.psk.tunnel.io.tun;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {
    @Test
    void rfc1071NumericalExample() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to 0xddf2 after folding.
        ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex("0001f203f4f5f6f7"));
        assertThat(InternetChecksum.fold(InternetChecksum.add(b, 0, 8, 0))).isEqualTo(0xddf2);
        assertThat(InternetChecksum.of(b, 0, 8)).isEqualTo(~0xddf2 & 0xffff);
    }

    @Test
    void ipv4HeaderChecksumOfAKnownHeader() {
        // A UDP datagram 192.168.0.1 -> 192.168.0.199 whose header checksum is 0xb861.
        ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7"));
        InternetChecksum.fillIpv4Header(b, 0, 20);
        assertThat(InternetChecksum.u16(b, 10)).isEqualTo(0xb861);
        assertThat(InternetChecksum.fold(InternetChecksum.add(b, 0, 20, 0))).isEqualTo(0xffff);
    }

    @Test
    void agreesWithTheNaiveLoopForEveryLengthOffsetAndBufferKind() {
        Random r = new Random(1071);
        for (int trial = 0; trial < 2000; trial++) {
            int len = r.nextInt(200);
            int off = 2 * r.nextInt(5);
            byte[] a = new byte[off + len + 3];
            r.nextBytes(a);
            int expected = TcpPackets.referenceSum(a, off, len, 0);
            ByteBuffer heap = ByteBuffer.wrap(a);
            ByteBuffer direct = ByteBuffer.allocateDirect(a.length)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .put(a);
            assertThat(InternetChecksum.fold(InternetChecksum.add(heap, off, len, 0)))
                    .as("heap, len %d", len)
                    .isEqualTo(expected);
            assertThat(InternetChecksum.fold(InternetChecksum.add(direct, off, len, 0)))
                    .as("direct LE, len %d", len)
                    .isEqualTo(expected);
        }
    }

    @Test
    void sumsOfConsecutiveEvenRegionsAddUp() {
        Random r = new Random(7);
        byte[] a = new byte[1501];
        r.nextBytes(a);
        ByteBuffer b = ByteBuffer.wrap(a);
        long split = InternetChecksum.add(b, 640, 861, InternetChecksum.add(b, 0, 640, 0));
        assertThat(InternetChecksum.fold(split)).isEqualTo(TcpPackets.referenceSum(a, 0, a.length, 0));
    }

    @Test
    void largestFrameDoesNotOverflowTheAccumulator() {
        byte[] a = new byte[65535];
        java.util.Arrays.fill(a, (byte) 0xff);
        assertThat(InternetChecksum.fold(InternetChecksum.add(ByteBuffer.wrap(a), 0, a.length, 0xffff_ffffL)))
                .isEqualTo(TcpPackets.referenceSum(a, 0, a.length, 0xffff));
    }
}
