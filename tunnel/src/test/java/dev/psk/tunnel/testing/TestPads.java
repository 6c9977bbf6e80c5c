package dev.psk.tunnel.testing;

import dev.psk.tunnel.wire.Psk2Wire;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Deterministic pads for tests (never for use: the bytes come from a seeded PRNG). */
public final class TestPads {
    private TestPads() {}

    public static Path create(Path dir, String name, int slots, long seed) throws IOException {
        byte[] b = new byte[slots * Psk2Wire.SLOT_BYTES];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }
}
