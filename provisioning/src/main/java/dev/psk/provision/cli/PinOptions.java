package dev.psk.provision.cli;

import dev.psk.common.cli.UsageException;
import dev.psk.identity.pkcs11.PinSource;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --pin-file}: where a token's user PIN comes from. Precedence: --pin-file, else the URI's
 * pin-source / pin-value, else a prompt on the terminal, else no login. A PIN is never accepted
 * as an option value.
 */
public final class PinOptions {
    @Option(
            names = "--pin-file",
            paramLabel = "FILE",
            description = "File whose first line is the user PIN (keep it mode 0600). Default: the URI's pin-source,"
                    + " else a prompt on the terminal.")
    Path pinFile;

    /** The PIN source for {@code uri}, warning on {@code err} when the URI carries the PIN itself. */
    PinSource source(Pkcs11Uri uri, PrintWriter err) {
        if (uri.hasPinValue()) {
            err.println("psk-provision: warning: the URI carries pin-value: the PIN is visible in process listings and"
                    + " shell history; prefer --pin-file or pin-source=file:…");
            err.flush();
        }
        if (pinFile != null) {
            if (uri.pinSource().isPresent() || uri.hasPinValue()) {
                throw new UsageException(
                        "give the PIN one way: --pin-file or the URI's pin-source/pin-value, not both");
            }
            PinFiles.warnIfExposed(pinFile, err);
            return PinSource.file(pinFile);
        }
        uri.pinSource()
                .filter(p -> p.startsWith("file:") || p.startsWith("/"))
                .map(p -> Path.of(p.replaceFirst("^file:(//)?", "")))
                .ifPresent(p -> PinFiles.warnIfExposed(p, err));
        java.io.Console console = System.console();
        return console != null && console.isTerminal() ? PinSource.console() : PinSource.none();
    }
}
