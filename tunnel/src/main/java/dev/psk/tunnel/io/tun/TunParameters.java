package dev.psk.tunnel.io.tun;

import dev.psk.tunnel.io.Libc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What Linux accepts as a TUN interface's name and MTU, checked before any system call so that a
 * bad value is reported as the input it is (not as an ioctl errno). Shared by {@link LinuxTun} and
 * {@link TunConfigurator}.
 */
public final class TunParameters {
    // Implementation constants.
    /** IPv4 needs 68; the TUN driver accepts at most 65535. */
    public static final int MIN_MTU = 68;

    public static final int MAX_MTU = 65535;

    private TunParameters() {}

    /** Linux dev_valid_name(): 1..IFNAMSIZ-1 bytes, not "." or "..", no '/', ':' or whitespace. */
    public static void validateName(String name) throws IOException {
        if (name == null || name.isEmpty()) {
            throw new IOException(
                    "TUN device name is empty: expected 1.." + (Libc.IFNAMSIZ - 1) + " characters, e.g. psk0");
        }
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Libc.IFNAMSIZ - 1) {
            throw new IOException("TUN device name '" + name + "' is " + bytes.length + " bytes: at most "
                    + (Libc.IFNAMSIZ - 1) + " allowed");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IOException("TUN device name '" + name + "' is not a valid interface name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7e) {
                throw new IOException("TUN device name '" + name + "' contains '"
                        + (c < 0x21 || c > 0x7e ? "\\u" + Integer.toHexString(c) : String.valueOf(c))
                        + "': expected printable ASCII without '/', ':' or whitespace");
            }
        }
    }

    /** {@link #MIN_MTU}..{@link #MAX_MTU}. */
    public static void validateMtu(String name, int mtu) throws IOException {
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IOException(
                    "TUN device '" + name + "': MTU must be " + MIN_MTU + ".." + MAX_MTU + ", not " + mtu);
        }
    }
}
