package dev.psk.attest.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The JMH benchmark's operation timed against the thread's own CPU time as well as the wall clock,
 * so "per core" can be read on a shared, oversubscribed machine where wall-clock throughput
 * mostly measures the neighbours. Prints {@code verify: N/s wall, M/s per CPU-second}.
 */
public final class VerifyCpuRate {
    private VerifyCpuRate() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        VerifyBenchmark b = new VerifyBenchmark();
        b.setUp();
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) { // warm-up for the JIT
            b.verifyEcdsaP256Quote8Pcrs();
        }
        long cpu0 = tm.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        long n = 0;
        long limit = (long) (seconds * 1e9);
        while (System.nanoTime() - wall0 < limit) {
            if (!b.verifyEcdsaP256Quote8Pcrs().accepted()) {
                throw new IllegalStateException("verification failed");
            }
            n++;
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = (tm.getCurrentThreadCpuTime() - cpu0) / 1e9;
        System.out.printf(
                "verify: %.0f/s wall, %.0f/s per CPU-second (%d verifications, %.1f s wall, %.1f s CPU, native ECDSA %s)%n",
                n / wall, n / cpu, n, wall, cpu, dev.psk.attest.verify.QuoteSignatures.nativeEcdsa());
    }
}
