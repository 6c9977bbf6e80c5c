package dev.psk.provision.cli.hub;

import dev.psk.common.cli.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code psk-provision hub}: enrolment for hub mode (register with {@code subcommands = {..., HubCommand.class}}). */
@Command(
        name = "hub",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Create a hub configuration, enrol and revoke clients, list them.",
        subcommands = {HubInitCommand.class, HubAddClientCommand.class, HubRevokeCommand.class, HubListCommand.class})
public final class HubCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return dev.psk.common.cli.CommandGroups.missingSubcommand(spec);
    }
}
