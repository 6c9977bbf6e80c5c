package dev.psk.tunnel.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge-case table in the spirit of WireGuard's counter self-test (wireguard-linux
 * selftest/counter.c, ported to Go as replay_test.go): one numbered step per case, each naming
 * the sequence fed and whether it must be accepted, run for several window sizes including
 * non-multiples of 64; then a random differential test against a naive set-based model.
 */
class ReplayWindowTest {
    private static final long MAX = -1L; // 2^64 - 1 as an unsigned sequence

    private record Step(int n, long seq, boolean accept) {}

    private static List<Step> table(long w) {
        long[][] raw = {
            {0, 1},
            {1, 1},
            {1, 0},
            {9, 1},
            {8, 1},
            {7, 1},
            {7, 0},
            {w, 1}, // jump ahead by a whole window
            {w - 1, 1},
            {w - 1, 0},
            {w - 2, 1},
            {2, 1}, // age w-2: still inside
            {2, 0},
            {w + 16, 1},
            {3, 0}, // age w+13: too old
            {w + 16, 0},
            {4 * w, 1}, // jump of several windows clears everything
            {4 * w - (w - 1), 1}, // oldest acceptable: age w-1
            {10, 0},
            {4 * w - w, 0}, // age exactly w: just outside
            {4 * w - (w + 1), 0},
            {4 * w - (w - 2), 1},
            {4 * w + 1 - w, 0}, // duplicate of the oldest acceptable one
            {0, 0},
            {MAX, 1}, // the largest unsigned sequence
            {MAX - 1, 1},
            {MAX, 0},
            {0, 0},
            {Long.MIN_VALUE, 0},
            {MAX - w, 0}, // age w
            {MAX - (w - 1), 1},
            {MAX - (w - 1), 0},
        };
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) {
            steps.add(new Step(i + 1, raw[i][0], raw[i][1] == 1));
        }
        return steps;
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 100, 1000, 4096, 8192, 65536})
    void edgeTable(int w) {
        ReplayWindow rw = new ReplayWindow(w);
        List<String> failures = new ArrayList<>();
        for (Step s : table(w)) {
            boolean got = rw.checkAndCommit(s.seq());
            if (got != s.accept()) {
                failures.add("step " + s.n() + ": seq " + Long.toUnsignedString(s.seq()) + " expected "
                        + (s.accept() ? "accept" : "reject"));
            }
        }
        assertThat(failures).as("window " + w).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 4096, 8192})
    void fullWindowDescendingThenAscending(int w) {
        ReplayWindow rw = new ReplayWindow(w);
        for (long i = w; i >= 1; i--) {
            assertThat(rw.checkAndCommit(i)).as("descending %d", i).isTrue();
        }
        assertThat(rw.checkAndCommit(0)).as("age w").isFalse();
        for (long i = 1; i <= w; i++) {
            assertThat(rw.check(i)).as("replay %d", i).isFalse();
        }
        assertThat(rw.lowestAcceptable()).isEqualTo(1);
        ReplayWindow up = new ReplayWindow(w);
        for (long i = 0; i < 3L * w; i++) {
            assertThat(up.checkAndCommit(i)).isTrue();
            assertThat(up.check(i)).isFalse();
        }
    }

    @Test
    void checkDoesNotCommit() {
        ReplayWindow rw = new ReplayWindow(128);
        assertThat(rw.check(5)).isTrue();
        assertThat(rw.check(5)).isTrue();
        assertThat(rw.isEmpty()).isTrue();
        rw.commit(5);
        assertThat(rw.check(5)).isFalse();
        assertThat(rw.highest()).isEqualTo(5);
    }

    @Test
    void rejectsBadSizes() {
        assertThatThrownBy(() -> new ReplayWindow(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplayWindow((1 << 20) + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Naive model: a set of every accepted sequence and the highest one. */
    private static final class Model {
        final Set<Long> seen = new HashSet<>();
        final long w;
        boolean empty = true;
        long highest;

        Model(long w) {
            this.w = w;
        }

        boolean accept(long s) {
            boolean ok = !seen.contains(s)
                    && (empty || Long.compareUnsigned(s, highest) > 0 || Long.compareUnsigned(highest - s, w) < 0);
            if (ok) {
                seen.add(s);
                if (empty || Long.compareUnsigned(s, highest) > 0) {
                    highest = s;
                }
                empty = false;
            }
            return ok;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 0x5eedL, 0xdeadbeefL})
    void differentialAgainstNaiveModel(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int w = new int[] {64, 96, 1000, 4096, 8192}[(int) (seed % 5)];
        long start = seed % 2 == 0 ? 0 : MAX - 5_000_000; // one run crosses nothing, one sits below 2^64
        ReplayWindow rw = new ReplayWindow(w);
        Model model = new Model(w);
        long base = start;
        for (int i = 0; i < 100_000; i++) {
            int op = rnd.nextInt(100);
            if (Long.compareUnsigned(base, MAX - 4L * w) > 0) {
                op = 100; // stay below 2^64: sequences never wrap
            }
            if (op < 60) {
                base += rnd.nextInt(4); // mostly forward
            } else if (op < 62) {
                base += rnd.nextInt(3 * w); // a gap
            }
            long s = base - rnd.nextInt(w + w / 2 + 2); // reordered, some too old
            if (Long.compareUnsigned(s, start) < 0 || Long.compareUnsigned(s, base) > 0) {
                s = base;
            }
            boolean expected = model.accept(s);
            assertThat(rw.checkAndCommit(s))
                    .as("op %d seq %s", i, Long.toUnsignedString(s))
                    .isEqualTo(expected);
        }
    }
}
