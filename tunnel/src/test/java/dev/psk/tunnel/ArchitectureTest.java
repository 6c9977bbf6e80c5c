package dev.psk.tunnel;

import dev.psk.common.testing.Architecture.Layer;
import dev.psk.common.testing.LayeredModuleArchitecture;
import java.util.List;

/** This module's package structure as docs/architecture.md ("Layers") states it. */
class ArchitectureTest extends LayeredModuleArchitecture {
    ArchitectureTest() {
        // Lowest first, as docs/architecture.md lists them.
        super(
                "dev.psk.tunnel",
                List.of(
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
                        new Layer("cli.support", "dev.psk.tunnel.cli.support.."),
                        new Layer("cli.hub", "dev.psk.tunnel.cli.hub.."),
                        new Layer("cli", "dev.psk.tunnel.cli")));
    }
}
