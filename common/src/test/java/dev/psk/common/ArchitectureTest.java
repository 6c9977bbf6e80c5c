package dev.psk.common;

import dev.psk.common.testing.ModuleArchitecture;

/**
 * The common module's package structure (docs/architecture.md, "Layers"). Its packages are
 * independent utilities under the root package, so only cycles and test hooks are checked.
 */
class ArchitectureTest extends ModuleArchitecture {
    ArchitectureTest() {
        super("dev.psk.common");
    }
}
