package dev.psk.provision.cli.hub;

import dev.psk.common.cli.VerboseOption;
import dev.psk.common.cli.VersionProvider;
import dev.psk.provision.ProvisionException;
import dev.psk.provision.hub.HubEnrolment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code psk-provision hub revoke NAME [--remove]}. */
@Command(
        name = "revoke",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Revoke a client: disable its entry, or delete it (--remove).",
            "Disabling sets Enabled=false in the hub configuration.",
            "A running hub reloads the file and ends the client's session within a second; its next handshake is"
                    + " refused."
        },
        footer = {
            "",
            "Example:",
            "  psk-provision hub revoke alice --config /etc/psk/hub.json",
            "",
            "Exit codes: 0 revoked, 1 failure (no such client, unwritable file), 2 usage error."
        })
final class HubRevokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Parameters(index = "0", paramLabel = "NAME", description = "The client's name, as given to add-client.")
    String name;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The hub configuration.")
    Path config;

    @Option(names = "--remove", description = "Delete the entry instead of disabling it.")
    boolean remove;

    @Override
    public Integer call() throws ProvisionException {
        HubEnrolment.revoke(config, name, remove);
        spec.commandLine().getOut().println("client " + name + (remove ? " removed from " : " disabled in ") + config);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
