package dev.psk.keygen.cli;

import java.util.Locale;

/** Number formatting shared by the subcommands: grouped integers, binary sizes, rates. */
final class Format {
    private Format() {}

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Binary units, switching at 1000 so that 1,073,741,760 bytes reads "1.00 GiB", not "1024.00 MiB". */
    static String size(double bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int u = 0;
        while (bytes >= 1000 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return u == 0
                ? String.format(Locale.ROOT, "%.0f bytes", bytes)
                : String.format(Locale.ROOT, "%.2f %s", bytes, units[u]);
    }

    /** Decimal megabytes per second, as dd and head report them; kB/s below 0.1 MB/s (a slow hardware RNG). */
    static String rate(double bytesPerSecond) {
        if (bytesPerSecond < 100_000) {
            return String.format(Locale.ROOT, "%.1f kB/s", bytesPerSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1e6);
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f s", s);
    }
}
