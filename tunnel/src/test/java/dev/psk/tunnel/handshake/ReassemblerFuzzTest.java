package dev.psk.tunnel.handshake;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;

/**
 * Fuzz target for {@link Reassembler}: the input is a run of datagrams, each framed by a 2-byte
 * big-endian length. Every datagram goes through {@link HandshakeCodec#validate} first, as in the
 * engine, and only structurally valid FRAGMENTs reach the reassembler. Contract: {@code add} never
 * throws, and a message it returns has the declared inner type at its type offset. In
 * {@code mvn verify} the corpus under ReassemblerFuzzTestInputs is replayed; JAZZER_FUZZ=1 fuzzes.
 */
class ReassemblerFuzzTest {
    private static final InetSocketAddress[] SOURCES = {
        new InetSocketAddress("192.0.2.1", 4000), new InetSocketAddress("192.0.2.2", 4000)
    };

    @FuzzTest(maxDuration = "10m")
    void fragments(byte[] data) {
        Reassembler r = new Reassembler();
        Instant now = Instant.EPOCH;
        int at = 0;
        int n = 0;
        while (at + 2 <= data.length) {
            int len = Math.min(((data[at] & 0xff) << 8) | (data[at + 1] & 0xff), data.length - at - 2);
            byte[] d = Arrays.copyOfRange(data, at + 2, at + 2 + len);
            at += 2 + len;
            now = now.plusMillis(len * 37L);
            if (HandshakeCodec.validate(d, d.length) != null
                    || d[HandshakeWire.OFF_TYPE] != HandshakeWire.TYPE_FRAGMENT) {
                continue;
            }
            byte inner = d[HandshakeWire.FRAG_OFF_INNER_TYPE];
            byte[] whole = r.add(SOURCES[n++ & 1], d, d.length, now);
            if (whole != null && whole[HandshakeWire.OFF_TYPE] != inner) {
                throw new AssertionError("reassembled a message of type " + whole[HandshakeWire.OFF_TYPE]
                        + " from fragments declaring " + inner);
            }
        }
    }
}
