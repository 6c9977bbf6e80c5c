package dev.psk.keygen.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HealthTestsTest {
    private static final HealthTestParameters SYSTEM = HealthTestParameters.forMinEntropy(7);

    @Test
    void goodSourcePasses() {
        HealthMonitor m = new HealthMonitor(SYSTEM);
        SecureRandom rnd = new SecureRandom();
        byte[] chunk = new byte[1 << 20];
        assertThatCode(() -> {
                    for (int i = 0; i < 32; i++) {
                        rnd.nextBytes(chunk);
                        m.check(ByteBuffer.wrap(chunk));
                    }
                })
                .doesNotThrowAnyException();
        assertThat(m.tested()).isEqualTo(32L << 20);
    }

    @Test
    void stuckSourceFailsTheRepetitionCountTestAtTheCutoff() {
        byte[] data = random(4096, 1);
        int at = 1000;
        for (int i = 0; i < 7; i++) {
            data[at + i] = 0x5a;
        }
        data[at - 1] = 0x11;
        data[at + 7] = 0x22;
        assertThatThrownBy(() -> new HealthMonitor(SYSTEM).check(ByteBuffer.wrap(data)))
                .isInstanceOfSatisfying(HealthTestFailure.class, f -> {
                    assertThat(f.test()).isEqualTo(HealthTestFailure.Test.REPETITION_COUNT);
                    assertThat(f.offset()).isEqualTo(at + 6);
                })
                .hasMessageContaining("0x5a repeated 7 times");
    }

    @Test
    void runOneShortOfTheCutoffPasses() throws HealthTestFailure {
        byte[] data = random(4096, 2);
        for (int i = 0; i < 6; i++) {
            data[100 + i] = 0x33;
        }
        data[99] = 0x01;
        data[106] = 0x02;
        new RepetitionCountTest(7).feed(ByteBuffer.wrap(data));
    }

    @Test
    void repetitionAcrossBufferBoundariesIsCaught() {
        RepetitionCountTest t = new RepetitionCountTest(7);
        assertThatThrownBy(() -> {
                    t.feed(ByteBuffer.wrap(new byte[] {1, 2, 3, 9, 9, 9}));
                    t.feed(ByteBuffer.wrap(new byte[] {9, 9}));
                    t.feed(ByteBuffer.wrap(new byte[] {9, 9, 4}));
                })
                .isInstanceOf(HealthTestFailure.class)
                .hasMessageContaining("at byte 9:");
    }

    @Test
    void biasedSourceFailsTheAdaptiveProportionTestButNotTheRepetitionTest() {
        // Every other byte is 0x00, the rest random non-zero: never two equal neighbours, but the
        // window's first value (0x00) fills half of each window.
        Random r = new Random(3);
        byte[] data = new byte[1 << 16];
        for (int i = 0; i < data.length; i++) {
            data[i] = (i & 1) == 0 ? 0 : (byte) (1 + r.nextInt(255));
        }
        assertThatCode(() -> new RepetitionCountTest(SYSTEM.repetitionCutoff()).feed(ByteBuffer.wrap(data)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new HealthMonitor(SYSTEM).check(ByteBuffer.wrap(data)))
                .isInstanceOfSatisfying(HealthTestFailure.class, f -> {
                    assertThat(f.test()).isEqualTo(HealthTestFailure.Test.ADAPTIVE_PROPORTION);
                    // the 26th zero of the first window is at byte 50
                    assertThat(f.offset()).isEqualTo(50);
                });
    }

    @Test
    void mildBiasWithinTheAssumedEntropyPasses() {
        // Min-entropy 7.5 bits/byte (one value at probability 2^-7.5) is above the assumed 7: must pass.
        Random r = new Random(4);
        byte[] data = new byte[1 << 20];
        double p = Math.pow(2, -7.5);
        for (int i = 0; i < data.length; i++) {
            data[i] = r.nextDouble() < p ? (byte) 0x77 : (byte) r.nextInt(256);
        }
        assertThatCode(() -> new HealthMonitor(SYSTEM).check(ByteBuffer.wrap(data)))
                .doesNotThrowAnyException();
    }

    @Test
    void proportionWindowsStartAfterEvery512Bytes() throws HealthTestFailure {
        // 25 copies of 0xAA in window 0 and 25 in window 1 (cutoff 26): passes, although 49 of them
        // lie in the 512-byte stretch [464, 976) that straddles the window boundary.
        byte[] data = random(1024, 5);
        for (int i = 0; i < data.length; i++) {
            if (data[i] == (byte) 0xAA) {
                data[i] = 0x01;
            }
        }
        data[0] = (byte) 0xAA;
        data[512] = (byte) 0xAA;
        for (int i = 0; i < 24; i++) {
            data[464 + 2 * i] = (byte) 0xAA;
            data[514 + 2 * i] = (byte) 0xAA;
        }
        new AdaptiveProportionTest(26).feed(ByteBuffer.wrap(data));
        data[600] = (byte) 0xAA;
        assertThatThrownBy(() -> new AdaptiveProportionTest(26).feed(ByteBuffer.wrap(data)))
                .isInstanceOfSatisfying(
                        HealthTestFailure.class, f -> assertThat(f.offset()).isEqualTo(600));
    }

    /** The word-at-a-time paths give exactly the verdict and offset of byte-by-byte feeding. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void bulkAndBytewiseFeedingAgree(int seed) {
        Random r = new Random(seed);
        byte[] data = random(1 << 15, seed);
        // Plant a stuck run or a biased window at a random place (or nothing).
        int kind = r.nextInt(3);
        int at = r.nextInt(data.length - 600);
        if (kind == 1) {
            for (int i = 0; i < 7; i++) {
                data[at + i] = 0x42;
            }
        } else if (kind == 2) {
            for (int i = 0; i < 600; i += 2) {
                data[at + i] = 0x42;
            }
        }
        HealthTestFailure bulk = runBulk(data, r);
        HealthTestFailure bytewise = runBytewise(data);
        if (bytewise == null) {
            assertThat(bulk).isNull();
        } else {
            assertThat(bulk).isNotNull();
            assertThat(bulk.test()).isEqualTo(bytewise.test());
            assertThat(bulk.offset()).isEqualTo(bytewise.offset());
            assertThat(bulk.getMessage()).isEqualTo(bytewise.getMessage());
        }
    }

    /**
     * Runs just below the cutoff everywhere, many of them across 512-byte block edges (where the
     * repetition test's fast path hands over), then one run of exactly the cutoff: the bulk path
     * must pass the first and fail the second at the same byte as the standard's loop.
     */
    @ParameterizedTest(name = "seed {0}, cutoff {1}")
    @org.junit.jupiter.params.provider.CsvSource({
        "21, 7", "22, 7", "23, 7", "24, 7", "25, 4", "26, 4", "27, 4", "28, 4", "29, 5", "30, 6", "31, 3", "32, 3"
    })
    void shortRunsAtBlockEdgesAgreeWithTheBytewiseLoop(int seed, int cutoff) {
        Random r = new Random(seed);
        byte[] data = random(1 << 15, seed);
        for (int n = 0; n < 300; n++) {
            int len = 2 + r.nextInt(cutoff - 2); // 2..cutoff-1
            int at = r.nextBoolean() ? 512 * (1 + r.nextInt(60)) - r.nextInt(len + 1) : r.nextInt(data.length - 8);
            byte v = (byte) r.nextInt(256);
            for (int k = 0; k < len; k++) {
                data[at + k] = v;
            }
            data[at + len] = (byte) (v + 1);
            if (at > 0) {
                data[at - 1] = (byte) (v - 1);
            }
        }
        assertThat(runBulkRct(data, cutoff)).isNull();
        assertThat(runBytewiseRct(data, cutoff)).isNull();
        // The failing run straddles a word boundary inside a block (split evenly when it can be).
        int at = 512 * (2 + r.nextInt(50)) + 8 * (1 + r.nextInt(60)) - cutoff / 2;
        for (int k = 0; k < cutoff; k++) {
            data[at + k] = 0x7E;
        }
        data[at - 1] = 0x10;
        data[at + cutoff] = 0x11;
        HealthTestFailure bulk = runBulkRct(data, cutoff);
        HealthTestFailure bytewise = runBytewiseRct(data, cutoff);
        assertThat(bytewise).isNotNull();
        assertThat(bulk).isNotNull();
        assertThat(bulk.offset()).isEqualTo(bytewise.offset()).isLessThanOrEqualTo(at + cutoff - 1L);
    }

    private static HealthTestFailure runBulkRct(byte[] data, int cutoff) {
        RepetitionCountTest rct = new RepetitionCountTest(cutoff);
        try {
            int pos = 0;
            while (pos < data.length) {
                // 4 KiB buffers: the fast path's 512-byte blocks and words line up with the stream,
                // so the planted runs sit exactly where they were put relative to both.
                int n = Math.min(data.length - pos, 4096);
                rct.feed(ByteBuffer.wrap(data, pos, n));
                pos += n;
            }
            return null;
        } catch (HealthTestFailure f) {
            return f;
        }
    }

    private static HealthTestFailure runBytewiseRct(byte[] data, int cutoff) {
        RepetitionCountTest rct = new RepetitionCountTest(cutoff);
        try {
            for (byte b : data) {
                rct.feed(b);
            }
            return null;
        } catch (HealthTestFailure f) {
            return f;
        }
    }

    private static HealthTestFailure runBulk(byte[] data, Random r) {
        RepetitionCountTest rct = new RepetitionCountTest(7);
        AdaptiveProportionTest apt = new AdaptiveProportionTest(26);
        HealthTestFailure first = null;
        try {
            int pos = 0;
            while (pos < data.length) {
                int n = Math.min(data.length - pos, r.nextBoolean() ? 512 * (1 + r.nextInt(8)) : 1 + r.nextInt(3000));
                ByteBuffer b = ByteBuffer.allocateDirect(n + 7);
                b.position(3);
                b.put(data, pos, n);
                b.position(3).limit(3 + n);
                rct.feed(b);
                apt.feed(b);
                assertThat(b.position()).isEqualTo(3);
                pos += n;
            }
        } catch (HealthTestFailure f) {
            first = f;
        }
        return first;
    }

    private static HealthTestFailure runBytewise(byte[] data) {
        // Reference: the standard's loop, one byte at a time, both tests on each byte in turn.
        RepetitionCountTest rct = new RepetitionCountTest(7);
        AdaptiveProportionTest apt = new AdaptiveProportionTest(26);
        HealthTestFailure rctFail = null;
        HealthTestFailure aptFail = null;
        for (byte b : data) {
            if (rctFail == null) {
                try {
                    rct.feed(b);
                } catch (HealthTestFailure f) {
                    rctFail = f;
                }
            }
            if (aptFail == null) {
                try {
                    apt.feed(b);
                } catch (HealthTestFailure f) {
                    aptFail = f;
                }
            }
        }
        // The bulk path runs the RCT over a whole buffer before the APT, so within one buffer an RCT
        // failure wins; planted faults trip only one test, so this is a fair comparison.
        return rctFail != null ? rctFail : aptFail;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        fixNeighbours(b);
        return b;
    }

    /** Removes accidental runs so only planted faults trip the tests. */
    private static void fixNeighbours(byte[] b) {
        for (int i = 1; i < b.length; i++) {
            while (b[i] == b[i - 1]) {
                b[i]++;
            }
        }
    }
}
