package dev.psk.provision;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.psk.common.testing.Architecture;
import dev.psk.common.testing.Architecture.Layer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** This module's package structure as docs/architecture.md ("Layers") states it. */
class ArchitectureTest {
    /** Lowest first: a package may import only packages of the layers before it in this list. */
    static final List<Layer> LAYERS = List.of(
            new Layer("base", "dev.psk.provision"),
            new Layer("hub", "dev.psk.provision.hub.."),
            new Layer("cli.hub", "dev.psk.provision.cli.hub.."),
            new Layer("cli", "dev.psk.provision.cli"));

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = Architecture.mainClasses("dev.psk.provision");
    }

    @Test
    void noPackageCycles() {
        Architecture.noPackageCycles("dev.psk").check(classes);
    }

    @Test
    void lowerLayersDoNotImportHigherOnes() {
        Architecture.layersLowestFirst(LAYERS).check(classes);
    }

    @Test
    void mainCodeCallsNoTestHook() {
        Architecture.noTestHooksCalledFromMainCode().check(classes);
    }
}
