package dev.psk.identity.pkcs11;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * A PKCS#11 module loaded through FFM: the CK_FUNCTION_LIST obtained from C_GetFunctionList and
 * downcall handles for the functions this library calls. Thin by design: arguments are native
 * segments the caller allocates; every call returns the raw CK_RV.
 *
 * <p>Lifetime: {@link #acquire} loads a module once per process and calls C_Initialize (with
 * CKF_OS_LOCKING_OK, so the module serializes its own threads) on the first user; {@link #release}
 * calls C_Finalize when the last user is gone, which is what frees TPM sessions and objects in
 * tpm2-pkcs11. The shared library itself stays mapped: unloading a module that started threads
 * (tpm2-pkcs11 through the tabrmd TCTI uses GLib/D-Bus) can crash the process. A module that
 * initializes again after C_Finalize re-reads its environment (SoftHSM2 reads SOFTHSM2_CONF then).
 */
final class Cryptoki {
    /** The CK_FUNCTION_LIST members we call, with their index in the list (PKCS#11 v2.40 order). */
    enum Fn {
        C_Initialize(0, JAVA_LONG, ADDRESS),
        C_Finalize(1, JAVA_LONG, ADDRESS),
        C_GetInfo(2, JAVA_LONG, ADDRESS),
        C_GetSlotList(4, JAVA_LONG, JAVA_BYTE, ADDRESS, ADDRESS),
        C_GetSlotInfo(5, JAVA_LONG, JAVA_LONG, ADDRESS),
        C_GetTokenInfo(6, JAVA_LONG, JAVA_LONG, ADDRESS),
        C_GetMechanismList(7, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS),
        C_InitToken(9, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS),
        C_InitPIN(10, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
        C_OpenSession(12, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS),
        C_CloseSession(13, JAVA_LONG, JAVA_LONG),
        C_Login(18, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
        C_Logout(19, JAVA_LONG, JAVA_LONG),
        C_CopyObject(21, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS),
        C_DestroyObject(22, JAVA_LONG, JAVA_LONG, JAVA_LONG),
        C_GetAttributeValue(24, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
        C_SetAttributeValue(25, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
        C_FindObjectsInit(26, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
        C_FindObjects(27, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS),
        C_FindObjectsFinal(28, JAVA_LONG, JAVA_LONG),
        C_SignInit(42, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
        C_Sign(43, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS),
        C_GenerateKey(58, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS),
        C_GenerateKeyPair(59, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS),
        C_WrapKey(60, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS),
        C_GenerateRandom(64, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);

        /** Functions in CK_FUNCTION_LIST up to C_WaitForSlotEvent. */
        static final int LIST_LENGTH = 68;

        final int index;
        final FunctionDescriptor descriptor;

        Fn(int index, java.lang.foreign.MemoryLayout ret, java.lang.foreign.MemoryLayout... args) {
            this.index = index;
            this.descriptor = FunctionDescriptor.of(ret, args);
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Map<Path, Cryptoki> LOADED = new HashMap<>();

    private final Path path;
    private final Map<Fn, MethodHandle> handles = new EnumMap<>(Fn.class);
    private int users;
    private boolean initializedByUs;

    private Cryptoki(Path path, MemorySegment functionList) throws Pkcs11Exception.ModuleException {
        this.path = path;
        MemorySegment list = functionList.reinterpret(Ck.FUNCTION_LIST_FIRST_OFFSET + 8L * Fn.LIST_LENGTH);
        for (Fn f : Fn.values()) {
            MemorySegment fp = list.get(ADDRESS, Ck.FUNCTION_LIST_FIRST_OFFSET + 8L * f.index);
            if (!fp.equals(MemorySegment.NULL)) {
                handles.put(f, LINKER.downcallHandle(fp, f.descriptor));
            }
        }
    }

    /**
     * Loads (once per process) and initializes (once per set of users) the module at {@code path}.
     * Each successful call must be paired with one {@link #release()}.
     */
    static Cryptoki acquire(Path path) throws Pkcs11Exception.ModuleException {
        Path abs = path.toAbsolutePath().normalize();
        synchronized (LOADED) {
            Cryptoki c = LOADED.get(abs);
            if (c == null) {
                c = load(abs);
                LOADED.put(abs, c);
            }
            if (c.users == 0) {
                c.initialize();
            }
            c.users++;
            return c;
        }
    }

    /** Drops one user; the last one calls C_Finalize (if this process's C_Initialize was ours). */
    void release() {
        synchronized (LOADED) {
            if (users == 0) {
                return;
            }
            users--;
            if (users == 0 && initializedByUs) {
                initializedByUs = false;
                call(Fn.C_Finalize, MemorySegment.NULL);
            }
        }
    }

    Path path() {
        return path;
    }

    private static boolean isElf(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Cryptoki load(Path abs) throws Pkcs11Exception.ModuleException {
        if (!Files.exists(abs)) {
            throw new Pkcs11Exception.ModuleException("PKCS#11 module " + abs + ": no such file");
        }
        if (!Files.isReadable(abs) || Files.isDirectory(abs)) {
            throw new Pkcs11Exception.ModuleException("PKCS#11 module " + abs + ": not a readable shared library");
        }
        if (!isElf(abs)) {
            // Checked before dlopen: HotSpot inspects a non-ELF file first and prints a two-line
            // "might have disabled stack guard" warning on stderr, ahead of our one-line error.
            throw new Pkcs11Exception.ModuleException(
                    "PKCS#11 module " + abs + ": not a shared library (no ELF header)");
        }
        SymbolLookup lookup;
        try {
            // Arena.global(): the module stays mapped for the life of the process (see class comment).
            lookup = SymbolLookup.libraryLookup(abs, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            // the JDK's text is only "Cannot open library: PATH"; dlerror() is not available here
            throw new Pkcs11Exception.ModuleException("PKCS#11 module " + abs
                    + ": cannot be loaded: not a shared library for this machine, or one of its own libraries is"
                    + " missing (check with: ldd " + abs + ")");
        }
        MemorySegment getList = lookup.find("C_GetFunctionList")
                .orElseThrow(() -> new Pkcs11Exception.ModuleException(
                        "PKCS#11 module " + abs + ": no C_GetFunctionList (not a PKCS#11 module)"));
        MethodHandle mh = LINKER.downcallHandle(getList, FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pp = a.allocate(ADDRESS);
            long rv = (long) mh.invokeExact(pp);
            if (rv != Ck.CKR_OK) {
                throw new Pkcs11Exception.ModuleException(
                        "PKCS#11 module " + abs + ": C_GetFunctionList returned " + Ck.rvName(rv), rv);
            }
            return new Cryptoki(abs, pp.get(ADDRESS, 0));
        } catch (Pkcs11Exception.ModuleException e) {
            throw e;
        } catch (Throwable t) {
            throw new Pkcs11Exception.ModuleException("PKCS#11 module " + abs + ": C_GetFunctionList failed: " + t);
        }
    }

    private void initialize() throws Pkcs11Exception.ModuleException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment args = a.allocate(Ck.INITIALIZE_ARGS_BYTES, 8);
            args.set(JAVA_LONG, Ck.INITIALIZE_ARGS_FLAGS_OFFSET, Ck.CKF_OS_LOCKING_OK);
            long rv = call(Fn.C_Initialize, args);
            if (rv == Ck.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                // Another component of this process (e.g. SunPKCS11) owns the initialization.
                initializedByUs = false;
                return;
            }
            if (rv != Ck.CKR_OK) {
                throw new Pkcs11Exception.ModuleException(
                        "PKCS#11 module " + path + ": C_Initialize returned " + Ck.rvName(rv) + hint(rv), rv);
            }
            initializedByUs = true;
        }
    }

    private String hint(long rv) {
        String name = path.getFileName().toString();
        if (name.contains("softhsm")) {
            return " (is SOFTHSM2_CONF set to a readable configuration with an existing tokendir?)";
        }
        if (name.contains("tpm2")) {
            return " (is the TPM reachable? check TPM2_PKCS11_TCTI, TPM2_PKCS11_STORE and tpm2-abrmd)";
        }
        return "";
    }

    /**
     * Calls a function; arguments as the descriptor declares (Long, Byte, MemorySegment). A
     * function the module leaves NULL in its list answers CKR_FUNCTION_NOT_SUPPORTED.
     */
    long call(Fn fn, Object... args) {
        MethodHandle mh = handles.get(fn);
        if (mh == null) {
            return Ck.CKR_FUNCTION_NOT_SUPPORTED;
        }
        try {
            return (long) mh.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(fn + " failed: " + t, t);
        }
    }

    /** Calls a function and throws a {@link Pkcs11Exception} naming it when the result is not CKR_OK. */
    void check(Fn fn, Object... args) throws Pkcs11Exception {
        long rv = call(fn, args);
        if (rv != Ck.CKR_OK) {
            throw failure(fn, rv);
        }
    }

    static Pkcs11Exception failure(Fn fn, long rv) {
        String msg = fn + " returned " + Ck.rvName(rv);
        if (rv == Ck.CKR_PIN_INCORRECT
                || rv == Ck.CKR_PIN_LOCKED
                || rv == Ck.CKR_PIN_LEN_RANGE
                || rv == Ck.CKR_PIN_INVALID) {
            return new Pkcs11Exception.PinException(msg, rv);
        }
        return new Pkcs11Exception(msg, rv);
    }
}
