package dev.psk.attest.cli;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.enrol.PinnedAk;
import dev.psk.attest.policy.ClockRecord;
import dev.psk.attest.policy.PcrPolicy;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmsAttest;
import dev.psk.attest.verify.Check;
import dev.psk.attest.verify.Expectations;
import dev.psk.attest.verify.QuoteEvidence;
import dev.psk.attest.verify.QuoteVerifier;
import dev.psk.attest.verify.Verdict;
import dev.psk.common.Hex;
import dev.psk.common.cli.ExitCodes;
import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code psk-attest verify}: checks a quote; prints ACCEPT or REJECT: reason; exit 0 only on ACCEPT. */
@Command(
        name = "verify",
        description = {
            "Verify a TPM 2.0 quote strictly; print ACCEPT or REJECT.",
            "A rejection is printed as REJECT: <reason>.",
            "Checks, in order: structure, magic, type (a quote), signature scheme and signature by the pinned AK, nonce, "
                    + "exact PCR selection, PCR digest, and optionally event-log replay, golden-value policy and clock. "
                    + "Reads the files tpm2_quote writes. Exit 0 ACCEPT, 1 REJECT, 2 usage error."
        },
        footer = {
            "",
            "Example (the files of psk-attest quote or tpm2_quote):",
            "  psk-attest verify --ak q/ak.pub.pem --message q/quote.msg \\",
            "      --signature q/quote.sig --pcr-values q/pcrs.values \\",
            "      --nonce 5eed0123456789ab --pcrs sha256:0-7",
            "",
            "Exit codes: 0 success/ACCEPT, 1 failure/REJECT, 2 usage error."
        })
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(
            names = "--ak",
            required = true,
            paramLabel = "FILE",
            description = "Pinned AK public key: PEM/DER SubjectPublicKeyInfo, TPM2B_PUBLIC or TPMT_PUBLIC.")
    Path ak;

    @Option(
            names = {"--message", "-m"},
            required = true,
            paramLabel = "FILE",
            description = "Raw TPMS_ATTEST (tpm2_quote -m).")
    Path message;

    @Option(
            names = {"--signature", "-s"},
            required = true,
            paramLabel = "FILE",
            description = "TPMT_SIGNATURE, DER ECDSA or raw RSA signature (told apart automatically).")
    Path signature;

    @Option(
            names = {"--nonce", "-q"},
            required = true,
            paramLabel = "HEX",
            description = "The nonce this verifier issued (qualifying data).")
    String nonce;

    @Option(
            names = {"--pcrs", "-l"},
            required = true,
            paramLabel = "SELECTION",
            description = "Demanded PCR selection, exactly, e.g. sha256:0-7 or sha1:0+sha256:0,1,2.")
    String pcrs;

    @Option(
            names = {"--pcr-values", "-f"},
            required = true,
            paramLabel = "FILE",
            description =
                    "PCR values: raw, concatenated in selection order (tpm2_quote -F values, tpm2_pcrread -o -F values), or tpm2-tools serialized (tpm2_quote -o default).")
    Path pcrValues;

    @Option(
            names = {"--eventlog", "-e"},
            paramLabel = "FILE",
            description = "TCG crypto-agile binary event log that must replay to the PCR values.")
    Path eventLog;

    @Option(names = "--policy", paramLabel = "FILE", description = "Golden PCR values (JSON, see docs/attestation.md).")
    Path policy;

    @Option(
            names = {"--hash", "-g"},
            paramLabel = "ALG",
            description = "Signature and PCR-digest hash (default: sha256 for RSA and P-256, sha384 for P-384).")
    String hash;

    @Option(
            names = "--plain-rsa-scheme",
            paramLabel = "SCHEME",
            defaultValue = "rsassa",
            description = "How to read a raw (plain) RSA signature: rsassa or rsapss. Default: ${DEFAULT-VALUE}.")
    String plainRsaScheme;

    @Option(names = "--require-safe-clock", description = "Reject when clockInfo.safe is 0.")
    boolean requireSafe;

    @Option(
            names = "--clock-state",
            paramLabel = "FILE",
            description = "Last-seen boot counters of this device: reject older ones; updated on ACCEPT.")
    Path clockState;

    @Option(names = "--json", description = "Print a JSON verdict with every check instead of one line.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PublicKey key = loadAk();
        Expectations.Builder b = Expectations.builder(key, Options.nonce(nonce), Options.selection(pcrs));
        if (hash != null) {
            b.hash(Options.hash(hash, "--hash"));
        }
        b.plainRsaScheme(
                switch (plainRsaScheme.toLowerCase(Locale.ROOT)) {
                    case "rsassa" -> Tpm2.TPM_ALG_RSASSA;
                    case "rsapss" -> Tpm2.TPM_ALG_RSAPSS;
                    default ->
                        throw new UsageException(
                                "--plain-rsa-scheme: expected rsassa or rsapss, got " + plainRsaScheme);
                });
        if (policy != null) {
            try {
                b.policy(PcrPolicy.parse(InputFiles.read(policy, "--policy")));
            } catch (TpmFormatException e) {
                throw new UsageException("--policy " + policy + ": " + e.getMessage());
            }
        }
        b.requireSafeClock(requireSafe);
        if (clockState != null) {
            try {
                Optional<ClockRecord> last = ClockRecord.read(clockState);
                last.ifPresent(b::lastSeen);
            } catch (TpmFormatException | IOException e) {
                throw new UsageException("--clock-state: " + e.getMessage());
            }
        }
        QuoteEvidence ev = new QuoteEvidence(
                InputFiles.read(message, "--message"),
                InputFiles.read(signature, "--signature"),
                InputFiles.read(pcrValues, "--pcr-values"),
                eventLog == null ? null : InputFiles.read(eventLog, "--eventlog"));
        Verdict v = QuoteVerifier.verify(ev, b.build());
        if (v.accepted() && clockState != null) {
            ClockRecord.of(v.attest().clockInfo()).write(clockState);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? toJson(v) : v.line());
        out.flush();
        return v.accepted() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private PublicKey loadAk() {
        try {
            return PinnedAk.parse(InputFiles.read(ak, "--ak"));
        } catch (TpmFormatException e) {
            throw new UsageException("--ak " + ak + ": " + e.getMessage());
        }
    }

    static String toJson(Verdict v) {
        JsonMapper m = JsonMapper.builder().build();
        ObjectNode root = m.createObjectNode();
        root.put("verdict", v.accepted() ? "ACCEPT" : "REJECT");
        root.put("reason", v.reason());
        ArrayNode checks = root.putArray("checks");
        for (Check c : v.checks()) {
            ObjectNode n = checks.addObject();
            n.put("check", c.name().label());
            n.put("status", c.status().name().toLowerCase(Locale.ROOT));
            n.put("detail", c.detail());
        }
        TpmsAttest a = v.attest();
        if (a != null) {
            ObjectNode q = root.putObject("attest");
            q.put("type", TpmsAttest.typeName(a.type()));
            q.put("qualifiedSigner", Hex.encode(a.qualifiedSigner()));
            q.put("extraData", Hex.encode(a.extraData()));
            q.put("clock", a.clockInfo().clock());
            q.put("resetCount", a.clockInfo().resetCount());
            q.put("restartCount", a.clockInfo().restartCount());
            q.put("safe", a.clockInfo().safe());
            q.put("firmwareVersion", String.format("%016x", a.firmwareVersion()));
            if (a.isQuote()) {
                q.put("pcrSelection", a.quotePcrs().toString());
                q.put("pcrDigest", Hex.encode(a.quotePcrDigest()));
            }
        }
        return m.writeValueAsString(root);
    }
}
