package dev.psk.attest.bench;

import dev.psk.attest.tpm.AkKeys;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.verify.Expectations;
import dev.psk.attest.verify.QuoteEvidence;
import dev.psk.attest.verify.QuoteVerifier;
import dev.psk.attest.verify.Verdict;
import dev.psk.common.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * In-process verification of a real tpm2-tools 5.4 quote (ECDSA P-256 AK, sha256:0-7): every check
 * of QuoteVerifier, parse to signature to PCR digest. Target: at least 5,000 verifications per
 * second per core (run with -t 1). Run: scripts/bench-attest.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VerifyBenchmark {
    QuoteEvidence evidence;
    Expectations expectations;

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = VerifyBenchmark.class.getResourceAsStream("/dev/psk/attest/tools54/" + name)) {
            return in.readAllBytes();
        }
    }

    @Setup
    public void setUp() throws Exception {
        evidence = new QuoteEvidence(fixture("q.msg"), fixture("q.sig"), fixture("q.pcrs"));
        expectations = Expectations.builder(
                        AkKeys.parse(fixture("ak.pem")),
                        Hex.decode("0102030405060708"),
                        PcrSelection.parse("sha256:0-7"))
                .build();
        if (!QuoteVerifier.verify(evidence, expectations).accepted()) {
            throw new IllegalStateException("fixture quote does not verify");
        }
    }

    @Benchmark
    public Verdict verifyEcdsaP256Quote8Pcrs() {
        return QuoteVerifier.verify(evidence, expectations);
    }
}
