package dev.psk.attest.cli;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.PrerenderedHelp;
import dev.psk.common.cli.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** {@code psk-attest}: produce TPM 2.0 quotes and verify them against a pinned AK and a PCR policy. */
@Command(
        name = "psk-attest",
        scope = ScopeType.INHERIT, // subcommands get --help, --version and the version provider
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Produce TPM 2.0 quotes and verify them strictly; enrol AKs by EK certificate and credential"
                + " activation (interoperable with tpm2-tools).",
        subcommands = {
            QuoteCommand.class,
            VerifyCommand.class,
            PcrsCommand.class,
            PolicyCommand.class,
            EnrollCommand.class,
            EnrollChallengeCommand.class,
            EnrollRespondCommand.class,
            EnrollFinishCommand.class
        },
        footer = {"", "Exit codes: 0 success/ACCEPT, 1 failure/REJECT, 2 usage error."})
public final class PskAttest implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (PrerenderedHelp.print("psk-attest", args)) {
            return; // help rendered at build time: no command model to build
        }
        System.exit(CliRunner.run(new PskAttest(), args));
    }

    @Override
    public Integer call() {
        return dev.psk.common.cli.CommandGroups.missingSubcommand(spec);
    }
}
