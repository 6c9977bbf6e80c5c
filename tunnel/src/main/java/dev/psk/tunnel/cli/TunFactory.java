package dev.psk.tunnel.cli;

import dev.psk.tunnel.io.tun.TunDevice;
import java.io.IOException;

/**
 * Where the daemon gets its TUN device: {@link #LINUX} in production (FFM TUN, addresses and route
 * set with iproute2 like the seed); tests pass an in-memory device.
 */
public interface TunFactory {
    /** Creates (or attaches to) interface {@code name} with {@code mtu}. */
    TunDevice open(String name, int mtu) throws IOException;

    /** As {@link #open(String, int)}, with TUN offloads on or off where the device has them. */
    default TunDevice open(String name, int mtu, boolean offload) throws IOException {
        return open(name, mtu);
    }

    /** Sets the MTU, LOCAL/24, link up and a route to REMOTE on interface {@code name}. */
    void configure(String name, String localIp, String remoteIp, int mtu) throws IOException;

    TunFactory LINUX = new TunFactory() {
        @Override
        public TunDevice open(String name, int mtu) throws IOException {
            return dev.psk.tunnel.io.tun.LinuxTun.open(name, mtu);
        }

        @Override
        public TunDevice open(String name, int mtu, boolean offload) throws IOException {
            return dev.psk.tunnel.io.tun.LinuxTun.open(name, mtu, offload);
        }

        @Override
        public void configure(String name, String localIp, String remoteIp, int mtu) throws IOException {
            dev.psk.tunnel.io.tun.TunConfigurator.configure(name, localIp, remoteIp, mtu);
        }
    };
}
