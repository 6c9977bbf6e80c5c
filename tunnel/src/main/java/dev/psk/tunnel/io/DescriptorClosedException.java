package dev.psk.tunnel.io;

import java.io.IOException;

/** A call on a device or socket after its {@code close()} began (see {@link FdGuard}). */
public final class DescriptorClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param what the closed object, e.g. "TUN device 'psk0'" or "UDP socket 0.0.0.0:51820" */
    public DescriptorClosedException(String what) {
        super(what + " is closed");
    }
}
