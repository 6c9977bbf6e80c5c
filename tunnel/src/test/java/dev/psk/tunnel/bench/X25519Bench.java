package dev.psk.tunnel.bench;

import dev.psk.common.SecretBytes;
import dev.psk.tunnel.crypto.LowOrderPointException;
import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.crypto.X25519PublicKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * X25519 through the public API per backend: {@code agree*} is a variable-base scalar
 * multiplication with the shared-secret wrapper (what each handshake DH costs), {@code publicKey*}
 * the fixed-base one (a new ephemeral key). The backend is chosen at class initialisation, so each
 * method runs in its own fork with {@code -Dpsk.x25519} set; the set-up checks the fork really uses
 * that backend. Run: scripts/bench-x25519.sh (docs/benchmarks.md, section X25519).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class X25519Bench {
    private static final String OPENSSL = "-Dpsk.x25519=openssl";
    private static final String JCE = "-Dpsk.x25519=jce";
    private static final String NATIVE = "--enable-native-access=ALL-UNNAMED";

    private X25519PrivateKey priv;
    private X25519PublicKey peer;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        String method = params.getBenchmark();
        String expected = method.endsWith("Openssl") ? "openssl" : "jce";
        if (!X25519.backendName().equals(expected)) {
            throw new IllegalStateException(method + " runs on " + X25519.backendName());
        }
        priv = X25519.generatePrivateKey();
        try (X25519PrivateKey other = X25519.generatePrivateKey()) {
            peer = other.publicKey();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        priv.close();
    }

    private int agree() throws LowOrderPointException {
        try (SecretBytes s = X25519.agree(priv, peer)) {
            return s.reveal()[0];
        }
    }

    @Benchmark
    @Fork(
            value = 1,
            jvmArgsAppend = {NATIVE, OPENSSL})
    public int agreeOpenssl() throws LowOrderPointException {
        return agree();
    }

    @Benchmark
    @Fork(
            value = 1,
            jvmArgsAppend = {NATIVE, JCE})
    public int agreeJce() throws LowOrderPointException {
        return agree();
    }

    @Benchmark
    @Fork(
            value = 1,
            jvmArgsAppend = {NATIVE, OPENSSL})
    public X25519PublicKey publicKeyOpenssl() {
        return priv.publicKey();
    }

    @Benchmark
    @Fork(
            value = 1,
            jvmArgsAppend = {NATIVE, JCE})
    public X25519PublicKey publicKeyJce() {
        return priv.publicKey();
    }
}
