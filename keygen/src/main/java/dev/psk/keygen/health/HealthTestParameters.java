package dev.psk.keygen.health;

/**
 * Cutoffs of the SP 800-90B continuous health tests (section 4.4) for 8-bit samples, derived from
 * an assumed min-entropy per sample and a false-positive probability.
 *
 * <ul>
 *   <li>Repetition count test (4.4.1): {@code C = 1 + ceil(-log2(alpha) / H)}.
 *   <li>Adaptive proportion test (4.4.2): window {@code W = 512} (the standard's window for
 *       non-binary samples) and {@code C = 1 + critbinom(W, 2^-H, 1 - alpha)}: the smallest count
 *       whose binomial upper tail is at most alpha, plus one.
 * </ul>
 *
 * <p>alpha is 2^-40, the smallest false-positive rate the standard allows (its range is 2^-20 to
 * 2^-40): a pad is a gigabyte of samples, and at 2^-20 a perfect source would trip the repetition
 * test dozens of times per gigabyte.
 *
 * @param minEntropyBits assumed min-entropy H of one byte, in bits (0.5 to 8)
 * @param alphaLog2 -log2 of the per-test false-positive probability (20 to 40)
 */
public record HealthTestParameters(double minEntropyBits, int alphaLog2) {
    // Specification constants (SP 800-90B 4.4.2).
    /** Adaptive proportion window for non-binary samples. */
    public static final int APT_WINDOW = 512;

    // Implementation constants (ours).
    public static final int DEFAULT_ALPHA_LOG2 = 40;
    /** Kernel CSPRNG output (ChaCha20 DRBG): conditioned, assumed near full entropy. */
    public static final double SYSTEM_MIN_ENTROPY = 7.0;
    /** A hardware RNG device: often conditioned by the chip, but not vouched for; assume less. */
    public static final double DEVICE_MIN_ENTROPY = 6.0;
    /** A PKCS#11 token's C_GenerateRandom (a DRBG inside the token). */
    public static final double TOKEN_MIN_ENTROPY = 7.0;

    public HealthTestParameters {
        if (!(minEntropyBits >= 0.5 && minEntropyBits <= 8.0)) {
            throw new IllegalArgumentException(
                    "min-entropy must be between 0.5 and 8 bits per byte, got " + minEntropyBits);
        }
        if (alphaLog2 < 20 || alphaLog2 > 40) {
            throw new IllegalArgumentException(
                    "alpha must be between 2^-20 and 2^-40 (SP 800-90B 4.4), got 2^-" + alphaLog2);
        }
    }

    public static HealthTestParameters forMinEntropy(double minEntropyBits) {
        return new HealthTestParameters(minEntropyBits, DEFAULT_ALPHA_LOG2);
    }

    /** Repetition count cutoff: a run of this many identical bytes fails the source. */
    public int repetitionCutoff() {
        return 1 + (int) Math.ceil(alphaLog2 / minEntropyBits);
    }

    /** Adaptive proportion cutoff: this many copies of a window's first byte in one window fails the source. */
    public int proportionCutoff() {
        return 1 + criticalBinomial(APT_WINDOW, Math.pow(2, -minEntropyBits), Math.pow(2, -alphaLog2));
    }

    /**
     * The smallest k with P(X > k) <= alpha for X ~ Binomial(n, p), i.e. CRITBINOM(n, p, 1 - alpha).
     * Computed from the upper tail so that tiny tails keep their precision.
     */
    static int criticalBinomial(int n, double p, double alpha) {
        double[] pmf = new double[n + 1];
        double logQ = Math.log1p(-p);
        double logRatio = Math.log(p) - logQ;
        double logTerm = n * logQ; // log P(X = 0)
        pmf[0] = Math.exp(logTerm);
        for (int j = 0; j < n; j++) {
            logTerm += Math.log((double) (n - j) / (j + 1)) + logRatio;
            pmf[j + 1] = Math.exp(logTerm);
        }
        double tail = 0; // P(X > k), built from the top
        for (int k = n; k >= 0; k--) {
            if (tail > alpha) {
                return k + 1;
            }
            tail += pmf[k];
        }
        return 0;
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "H=%.1f bits/byte, alpha=2^-%d, RCT cutoff %d, APT cutoff %d/%d",
                minEntropyBits,
                alphaLog2,
                repetitionCutoff(),
                proportionCutoff(),
                APT_WINDOW);
    }
}
