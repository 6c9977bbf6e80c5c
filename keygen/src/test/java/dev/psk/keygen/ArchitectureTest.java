package dev.psk.keygen;

import dev.psk.common.testing.Architecture.Layer;
import dev.psk.common.testing.LayeredModuleArchitecture;
import java.util.List;

/** This module's package structure as docs/architecture.md ("Layers") states it. */
class ArchitectureTest extends LayeredModuleArchitecture {
    ArchitectureTest() {
        // Lowest first, as docs/architecture.md lists them.
        super(
                "dev.psk.keygen",
                List.of(
                        new Layer("health", "dev.psk.keygen.health.."),
                        new Layer("source", "dev.psk.keygen.source.."),
                        new Layer("keygen", "dev.psk.keygen"),
                        new Layer("cli", "dev.psk.keygen.cli..")));
    }
}
