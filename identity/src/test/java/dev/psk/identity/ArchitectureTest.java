package dev.psk.identity;

import dev.psk.common.testing.Architecture.Layer;
import dev.psk.common.testing.LayeredModuleArchitecture;
import java.util.List;

/** This module's package structure as docs/architecture.md ("Layers") states it. */
class ArchitectureTest extends LayeredModuleArchitecture {
    ArchitectureTest() {
        // Lowest first, as docs/architecture.md lists them.
        super(
                "dev.psk.identity",
                List.of(new Layer("base", "dev.psk.identity"), new Layer("pkcs11", "dev.psk.identity.pkcs11..")));
    }
}
