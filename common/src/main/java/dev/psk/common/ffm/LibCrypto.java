package dev.psk.common.ffm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * OpenSSL's libcrypto, version 3 or later, for every Foreign Function &amp; Memory user in the
 * toolkit (packet AEAD and X25519 in the tunnel, ECDSA verification in attestation). The library is
 * looked up once per JVM under one policy:
 *
 * <ol>
 *   <li>Candidates, in order: only the value of {@code -Dpsk.libcrypto} (a soname or an absolute
 *       path) when set; otherwise {@code libcrypto.so.3}, then {@code libcrypto.so}.
 *   <li>The first candidate that loads, exports {@code OpenSSL_version_num} and reports major
 *       version 3 or later is used; a candidate that fails any step is skipped.
 *   <li>When none qualifies, libcrypto is absent: {@link #available()} is false and {@link
 *       #unavailableReason()} names every candidate with the reason it was refused. Absence is not
 *       an error here: each user falls back to the JDK and may print the reason; asking for a
 *       {@link #downcall} then throws {@link LibCryptoException}.
 * </ol>
 *
 * <p>Linking needs native access ({@code --enable-native-access}); without it the JVM warns (or,
 * when denied, lookups fail and libcrypto counts as absent).
 *
 * <p>Thread-safety: safe; the lookup is immutable and global.
 */
public final class LibCrypto {
    /** System property naming the one library to try instead of the defaults. */
    public static final String LIBRARY_PROPERTY = "psk.libcrypto";

    /** The default candidates, in the order they are tried. */
    public static final List<String> DEFAULT_NAMES = List.of("libcrypto.so.3", "libcrypto.so");

    private static final Loaded LOADED = load(candidates(System.getProperty(LIBRARY_PROPERTY)));

    /** The outcome of one load: a usable library, or why none was found. */
    record Loaded(SymbolLookup lookup, String name, long version, String error) {
        boolean available() {
            return error == null;
        }
    }

    private LibCrypto() {}

    /** True when a libcrypto 3 was found. */
    public static boolean available() {
        return LOADED.available();
    }

    /** Empty when libcrypto is available; otherwise every candidate tried and why it was refused. */
    public static Optional<String> unavailableReason() {
        return Optional.ofNullable(LOADED.error());
    }

    /** The candidate that was loaded (for banners and diagnostics). */
    public static Optional<String> libraryName() {
        return Optional.ofNullable(LOADED.name());
    }

    /** {@code OpenSSL_version_num()} of the loaded library (0x30000000 and above), or 0 when absent. */
    public static long versionNumber() {
        return LOADED.version();
    }

    /**
     * A downcall handle for {@code symbol}.
     *
     * @throws LibCryptoException when libcrypto is absent or lacks {@code symbol}
     */
    public static MethodHandle downcall(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        return Linker.nativeLinker().downcallHandle(symbol(symbol), descriptor, options);
    }

    /**
     * The address of {@code symbol}.
     *
     * @throws LibCryptoException when libcrypto is absent or lacks {@code symbol}
     */
    public static MemorySegment symbol(String symbol) {
        if (!LOADED.available()) {
            throw new LibCryptoException("libcrypto unavailable: " + LOADED.error());
        }
        return LOADED.lookup()
                .find(symbol)
                .orElseThrow(() -> new LibCryptoException(LOADED.name() + " lacks " + symbol));
    }

    static List<String> candidates(String override) {
        return override == null || override.isBlank() ? DEFAULT_NAMES : List.of(override.strip());
    }

    /** Tries {@code names} in order; the first usable one wins. Each call loads afresh (for tests). */
    static Loaded load(List<String> names) {
        List<String> refused = new ArrayList<>();
        for (String name : names) {
            try {
                SymbolLookup lib = SymbolLookup.libraryLookup(name, Arena.global());
                Optional<MemorySegment> versionFn = lib.find("OpenSSL_version_num");
                if (versionFn.isEmpty()) {
                    refused.add(name + ": not libcrypto (no OpenSSL_version_num)");
                    continue;
                }
                long version = (long) Linker.nativeLinker()
                        .downcallHandle(versionFn.get(), FunctionDescriptor.of(JAVA_LONG))
                        .invokeExact();
                if (version >>> 28 < 3) {
                    refused.add(name + ": version 0x" + Long.toHexString(version) + ", need 3 or later");
                    continue;
                }
                return new Loaded(lib, name, version, null);
            } catch (Throwable t) {
                // Not found, not loadable, or native access denied: the next candidate, if any.
                refused.add(name + ": " + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()));
            }
        }
        return new Loaded(null, null, 0, "no usable libcrypto 3 (" + String.join("; ", refused) + ")");
    }
}
