package dev.psk.keygen.cli;

import dev.psk.common.Hex;
import dev.psk.common.PskException;
import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.keygen.Cancellation;
import dev.psk.keygen.GenerationCancelledException;
import dev.psk.keygen.PadCapacity;
import dev.psk.keygen.PadGenerator;
import dev.psk.keygen.PadSize;
import dev.psk.keygen.health.HealthTestParameters;
import dev.psk.keygen.source.EntropySource;
import dev.psk.keygen.source.SourceSyntaxException;
import dev.psk.keygen.source.Sources;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code psk-keygen generate OUT --size SIZE}. */
@Command(
        name = "generate",
        description = {
            "Write a new pad of whole 120-byte slots and its checksum sidecar.",
            "OUT is written atomically with mode 0600, its checksum to OUT.sha256.",
            "Every byte passes the SP 800-90B repetition count and adaptive proportion tests; a failing source leaves no pad."
        },
        footer = {
            "",
            PadSize.UNITS_HELP,
            "",
            "Examples:",
            "  psk-keygen generate /mnt/secure/psk.bin --size 1GiB",
            "  psk-keygen generate pad.bin --size 64MiB --source /dev/hwrng",
            "  psk-keygen generate pad.bin --size 1MiB --source \\",
            "    'pkcs11:token=rng?module-name=softhsm2&pin-source=file:/etc/psk/pin'",
            "",
            "Exit codes: 0 written, 1 failure (source, health test, disk, existing file, interrupted), 2 usage error."
        })
public final class GenerateCommand implements Callable<Integer> {
    /** Exit status after Ctrl-C or SIGTERM, as a shell reports a SIGINT death. */
    static final int INTERRUPTED = 130;

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Parameters(index = "0", paramLabel = "OUT", description = "The pad file to write.")
    Path out;

    @Option(
            names = "--size",
            required = true,
            paramLabel = "SIZE",
            description = "Pad size, e.g. 1GiB, 512MiB, 2GB, 120000 (see below).")
    String size;

    @Option(
            names = "--source",
            paramLabel = "SOURCE",
            defaultValue = Sources.SYSTEM,
            description = {
                "system (the OS CSPRNG, default), a character device such as /dev/hwrng,",
                "or a PKCS#11 URI (pkcs11:...) whose token's C_GenerateRandom is used."
            })
    String source;

    @Option(names = "--force", description = "Replace an existing OUT and OUT.sha256.")
    boolean force;

    @Option(
            names = "--min-entropy",
            paramLabel = "BITS",
            description = {
                "Assumed min-entropy per byte for the health-test cutoffs (0.5-8).",
                "Default: 7 for system and pkcs11, 6 for a device."
            })
    Double minEntropy;

    @Option(
            names = "--readers",
            paramLabel = "N",
            description = "Parallel reader threads for the system source (default: 2 on 2+ CPUs, else 1).")
    Integer readers;

    @Override
    public Integer call() throws PskException {
        PadSize padSize;
        try {
            padSize = PadSize.parse(size);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--size: " + e.getMessage());
        }
        int readerCount = readers == null ? Math.min(2, Runtime.getRuntime().availableProcessors()) : readers;
        if (readerCount < 1 || readerCount > 64) {
            throw new UsageException("--readers: expected 1..64, got " + readerCount);
        }
        HealthTestParameters override;
        try {
            override = minEntropy == null ? null : HealthTestParameters.forMinEntropy(minEntropy);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--min-entropy: " + e.getMessage());
        }
        PrintWriter outw = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EntropySource opened;
        try {
            opened = Sources.open(source, readerCount);
        } catch (SourceSyntaxException e) {
            throw new UsageException(e.getMessage());
        }
        try (EntropySource src = opened) {
            HealthTestParameters health =
                    override != null ? override : HealthTestParameters.forMinEntropy(src.assumedMinEntropy());
            ProgressBar bar = Terminal.stderrIsTerminal() ? new ProgressBar(err) : null;
            PadGenerator.ProgressListener progress = bar != null
                    ? bar
                    : ProgressLog.withSystemPeriods(err, spec.root().name());
            Cancellation cancel = new Cancellation();
            Thread hook = Thread.ofPlatform().unstarted(() -> awaitAbort(cancel));
            Runtime.getRuntime().addShutdownHook(hook);
            PadGenerator.Result r;
            try {
                r = new PadGenerator(src, health, progress, cancel).generate(out, padSize, force);
            } catch (GenerationCancelledException e) {
                if (bar != null) {
                    bar.clear();
                }
                err.println(spec.root().name() + ": " + e.getMessage());
                err.flush();
                return INTERRUPTED;
            } finally {
                if (bar != null) {
                    bar.clear();
                }
                cancel.finish();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it returns now that the work is finished
                }
            }
            report(outw, r, padSize, src, health);
            return 0;
        } catch (java.io.IOException e) {
            throw new PskException("closing the source failed: " + e.getMessage(), e);
        }
    }

    private static void awaitAbort(Cancellation cancel) {
        cancel.cancel();
        try {
            cancel.awaitFinish(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void report(
            PrintWriter o, PadGenerator.Result r, PadSize padSize, EntropySource src, HealthTestParameters health) {
        PadCapacity c = new PadCapacity(r.bytes());
        String rounding = padSize.roundedOffBytes() == 0
                ? ""
                : "; " + Format.count(padSize.roundedOffBytes()) + " bytes of the "
                        + Format.count(padSize.requestedBytes()) + " requested rounded off to whole slots";
        o.println("wrote " + out + ": " + Format.count(c.slots()) + " slots of 120 bytes = " + Format.count(r.bytes())
                + " bytes (" + Format.size(r.bytes()) + ")" + rounding);
        o.println("capacity: " + Format.count(c.packetsPerDirection()) + " packets per direction, "
                + Format.count(c.packetsBothDirections()) + " in both directions (slots x 1000 each way)");
        o.println("  psk-tunnel keeps the last slot as its control slot: " + Format.count(c.dataSlots())
                + " data slots = " + Format.count(c.dataPacketsPerDirection()) + " packets per direction");
        if (c.dataSlots() == 0) {
            o.println("  warning: a one-slot pad has no data slots: psk-tunnel cannot send with it");
        }
        o.println("checksum: " + r.sidecar().getFileName() + " (sha256 " + Hex.encode(r.sha256()) + ")");
        o.println("source: " + src.description() + "; health tests passed (" + health + ")");
        o.println("throughput: " + Format.size(r.bytes()) + " in "
                + Format.seconds(r.elapsed().toNanos() / 1e9) + " = " + Format.rate(r.bytesPerSecond()));
        o.flush();
    }
}
