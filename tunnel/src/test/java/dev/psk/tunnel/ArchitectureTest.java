package dev.psk.tunnel;

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
            new Layer("base", "dev.psk.tunnel"),
            new Layer("replay", "dev.psk.tunnel.replay.."),
            new Layer("ratelimit", "dev.psk.tunnel.ratelimit.."),
            new Layer("crypto", "dev.psk.tunnel.crypto.."),
            new Layer("pad", "dev.psk.tunnel.pad.."),
            new Layer("wire", "dev.psk.tunnel.wire.."),
            new Layer("state", "dev.psk.tunnel.state.."),
            new Layer("io", "dev.psk.tunnel.io.."),
            new Layer("device", "dev.psk.tunnel.device.."),
            new Layer("session", "dev.psk.tunnel.session.."),
            new Layer("noise", "dev.psk.tunnel.noise.."),
            new Layer("handshake", "dev.psk.tunnel.handshake.."),
            new Layer("hub", "dev.psk.tunnel.hub.."),
            new Layer("cli.status", "dev.psk.tunnel.cli.status.."),
            new Layer("cli.hub", "dev.psk.tunnel.cli.hub.."),
            new Layer("cli", "dev.psk.tunnel.cli"));

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = Architecture.mainClasses("dev.psk.tunnel");
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
