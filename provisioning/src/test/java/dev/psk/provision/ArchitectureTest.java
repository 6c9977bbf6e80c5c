package dev.psk.provision;

import dev.psk.common.testing.Architecture.Layer;
import dev.psk.common.testing.LayeredModuleArchitecture;
import java.util.List;

/** This module's package structure as docs/architecture.md ("Layers") states it. */
class ArchitectureTest extends LayeredModuleArchitecture {
    ArchitectureTest() {
        // Lowest first, as docs/architecture.md lists them.
        super(
                "dev.psk.provision",
                List.of(
                        new Layer("base", "dev.psk.provision"),
                        new Layer("hub", "dev.psk.provision.hub.."),
                        new Layer("cli.hub", "dev.psk.provision.cli.hub.."),
                        new Layer("cli", "dev.psk.provision.cli")));
    }
}
