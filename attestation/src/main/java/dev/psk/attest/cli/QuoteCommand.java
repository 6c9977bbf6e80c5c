package dev.psk.attest.cli;

import dev.psk.attest.AttestException;
import dev.psk.attest.TpmFormatException;
import dev.psk.attest.quote.Quote;
import dev.psk.attest.quote.Quoter;
import dev.psk.attest.tpm.AkKeys;
import dev.psk.attest.tpm.DerEcdsa;
import dev.psk.attest.tpm.ToolsPcrFile;
import dev.psk.attest.tpm.TpmtSignature;
import dev.psk.common.AtomicFiles;
import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-attest quote}: quote PCRs with a nonce and write tpm2-tools-compatible files. */
@Command(
        name = "quote",
        description = {
            "Quote PCRs over a nonce; write tpm2-tools-compatible files.",
            "The AK is a restricted signing key in the endorsement hierarchy, re-derived from a fixed template (the same "
                    + "key on every run) unless --ak-handle names a persistent one. Writes DIR/ak.pub.pem, DIR/ak.tpm2b "
                    + "(the AK's TPM2B_PUBLIC: pinning it lets verify check the key is restricted), DIR/quote.msg, "
                    + "DIR/quote.sig, DIR/pcrs.values (the formats of tpm2_quote -m, -s and -F values) and DIR/pcrs.tpm2 "
                    + "(tpm2-tools' serialized PCRs, which tpm2_checkquote -f reads)."
        },
        footer = {
            "",
            "Example:",
            "  psk-attest quote --tpm swtpm:host=127.0.0.1,port=2321 \\",
            "      --nonce 5eed0123456789ab --pcrs sha256:0-7 --out-dir q",
            "",
            "Exit codes: 0 success/ACCEPT, 1 failure/REJECT, 2 usage error."
        })
public final class QuoteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Mixin
    TpmOption tpm;

    @Option(
            names = {"--nonce", "-q"},
            required = true,
            paramLabel = "HEX",
            description = "The verifier's nonce (1-64 bytes).")
    String nonce;

    @Option(
            names = {"--pcrs", "-l"},
            required = true,
            paramLabel = "SELECTION",
            description = "PCR selection, e.g. sha256:0-7.")
    String pcrs;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Output directory (created if missing). Required.")
    Path out;

    /** The old spelling: {@code --out} means a file everywhere else, so it is hidden here. */
    @Option(
            names = {"--out", "-o"},
            hidden = true,
            paramLabel = "DIR")
    void legacyOut(Path dir) {
        out = dir;
    }

    @Mixin
    AkOptions ak;

    @Option(
            names = "--signature-format",
            paramLabel = "FORMAT",
            defaultValue = "tss",
            description =
                    "quote.sig as a TPMT_SIGNATURE (tss) or plain (DER ECDSA / raw RSA). Default: ${DEFAULT-VALUE}.")
    String sigFormat;

    @Override
    public Integer call() throws AttestException, IOException {
        if (out == null) {
            throw new dev.psk.common.cli.UsageException("Missing required option: '--out-dir=DIR'");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            // checked before the TPM is touched; the quote would be lost after a TPM round trip
            throw new UsageException("--out-dir " + out + ": exists and is not a directory (quote files go inside a"
                    + " directory: name a new or existing one)");
        }
        byte[] n = Options.nonce(nonce);
        var sel = Options.selection(pcrs);
        boolean plain = switch (sigFormat.toLowerCase(Locale.ROOT)) {
            case "tss" -> false;
            case "plain" -> true;
            default -> throw new UsageException("--signature-format: expected tss or plain, got " + sigFormat);
        };
        Quote q = Quoter.quote(tpm.address(), ak.akSource(), n, sel);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new AttestException("--out-dir " + out + ": cannot create: " + dev.psk.common.IoErrors.reason(e));
        }
        var mode = PosixFilePermissions.fromString("rw-r--r--");
        AtomicFiles.write(out.resolve("ak.pub.pem"), AkKeys.toPem(q.ak()).getBytes(StandardCharsets.US_ASCII), mode);
        byte[] area = q.akPublic().raw();
        AtomicFiles.write(
                out.resolve("ak.tpm2b"),
                new dev.psk.attest.tpm.TpmWriter().tpm2b(area).toByteArray(),
                mode);
        AtomicFiles.write(out.resolve("quote.msg"), q.attest(), mode);
        AtomicFiles.write(out.resolve("quote.sig"), plain ? plain(q.signature()) : q.signature(), mode);
        AtomicFiles.write(out.resolve("pcrs.values"), q.pcrValues(), mode);
        AtomicFiles.write(out.resolve("pcrs.tpm2"), ToolsPcrFile.write(sel, q.pcrValues()), mode);
        spec.commandLine()
                .getOut()
                .println("quoted " + sel + " with "
                        + (q.ak() instanceof java.security.interfaces.ECPublicKey ? "an ECC" : "an RSA") + " AK into "
                        + out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static byte[] plain(byte[] tpmt) throws TpmFormatException {
        return switch (TpmtSignature.unmarshal(tpmt)) {
            case TpmtSignature.Ecdsa e -> DerEcdsa.encode(e.r(), e.s());
            case TpmtSignature.Rsa r -> r.sig();
        };
    }
}
