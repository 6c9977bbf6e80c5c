package dev.psk.attest;

import dev.psk.common.testing.Architecture.Layer;
import dev.psk.common.testing.LayeredModuleArchitecture;
import java.util.List;

/** This module's package structure as docs/architecture.md ("Layers") states it. */
class ArchitectureTest extends LayeredModuleArchitecture {
    ArchitectureTest() {
        // Lowest first, as docs/architecture.md lists them.
        super(
                "dev.psk.attest",
                List.of(
                        new Layer("base", "dev.psk.attest"),
                        new Layer("tpm", "dev.psk.attest.tpm.."),
                        new Layer("credential", "dev.psk.attest.credential.."),
                        new Layer("eventlog", "dev.psk.attest.eventlog.."),
                        new Layer("policy", "dev.psk.attest.policy.."),
                        new Layer("quote", "dev.psk.attest.quote.."),
                        new Layer("verify", "dev.psk.attest.verify.."),
                        new Layer("enrol", "dev.psk.attest.enrol.."),
                        new Layer("cli", "dev.psk.attest.cli..")));
    }
}
