package dev.psk.tunnel.crypto;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.psk.common.Hex;
import dev.psk.common.ffm.LibCrypto;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@link X25519Backend} on libcrypto's EVP_PKEY X25519 through the Foreign Function &amp; Memory
 * API (loaded by {@link LibCrypto}).
 *
 * <p>One multiplication {@code X25519(k, u)}: the private key is imported with {@code
 * EVP_PKEY_fromdata} together with a placeholder public key (all zeros), the peer's u-coordinate
 * with {@code EVP_PKEY_new_raw_public_key}, and {@code EVP_PKEY_derive} computes the product.
 * Importing with {@code EVP_PKEY_new_raw_private_key} instead would make libcrypto 3.0 compute the
 * key's own public key first (a fixed-base multiplication in portable C, slower than the derive's
 * assembly ladder): the placeholder halves the cost. The derivation reads only the private scalar;
 * the placeholder never leaves the call. The public key {@code X25519(k, 9)} is the same derive
 * with u = 9. A known-answer test at class initialisation (RFC 7748 section 6.1) proves the path
 * on the loaded library; if it fails, this backend reports itself unavailable.
 *
 * <p>Memory: each call frees every EVP_PKEY it made; libcrypto wipes its copy of the private key on
 * free. Inputs and the output pass through a per-thread native scratch segment, from which the
 * private key and the product are wiped before the call returns. Per thread, the import context and
 * the base point's EVP_PKEY are reused and freed (by a cleaner) when the thread is gone; no native
 * object is shared between threads. Pointers are passed as 64-bit integers (as in {@link
 * OpenSslChaCha20Poly1305}), so a call creates no segment objects.
 */
final class OpenSslX25519 implements X25519Backend {
    /** NID_X25519 = EVP_PKEY_X25519 in OpenSSL's obj_mac.h. */
    private static final int EVP_PKEY_X25519 = 1034;
    /** EVP_PKEY_KEYPAIR: public and private key plus parameters. */
    private static final int EVP_PKEY_KEYPAIR = 0x87;
    /** OSSL_PARAM_OCTET_STRING. */
    private static final int OCTET_STRING = 5;
    /** sizeof(OSSL_PARAM) on LP64: key, data_type (+pad), data, data_size, return_size. */
    private static final long PARAM_BYTES = 40;

    private static final int KEY = X25519.KEY_BYTES;
    // Per-thread scratch layout.
    private static final long PRIV = 0, PEER = 32, OUT = 64, LEN = 96, PKEY_OUT = 104, PLACEHOLDER = 112;
    private static final long PARAMS = 144, SCRATCH_BYTES = PARAMS + 3 * PARAM_BYTES;

    private static final byte[] BASE_POINT = new byte[KEY];

    static {
        BASE_POINT[0] = 9;
    }

    private static final Cleaner CLEANER = Cleaner.create(
            Thread.ofPlatform().daemon().name("psk-x25519-cleaner").factory());

    private static final Handles H;
    private static final String ERROR;

    static {
        Handles h = null;
        String error;
        try {
            h = new Handles();
            error = null;
        } catch (RuntimeException e) {
            error = e.getMessage();
        }
        H = h;
        ERROR = error == null ? selfTest() : error;
    }

    static final OpenSslX25519 INSTANCE = new OpenSslX25519();

    private static final ThreadLocal<PerThread> PER_THREAD = ThreadLocal.withInitial(PerThread::new);

    private OpenSslX25519() {}

    /** Empty when libcrypto's X25519 can be used; otherwise why not. */
    static Optional<String> unavailableReason() {
        return Optional.ofNullable(ERROR);
    }

    @Override
    public String name() {
        return "openssl";
    }

    @Override
    public byte[] scalarMult(byte[] k, byte[] u) throws LowOrderPointException {
        PerThread t = perThread();
        MemorySegment.copy(u, 0, t.scratch, JAVA_BYTE, PEER, KEY);
        long peer = 0;
        try {
            peer = (long) H.newRawPublic.invokeExact(EVP_PKEY_X25519, 0L, t.base + PEER, (long) KEY);
            if (peer == 0) {
                throw failure("EVP_PKEY_new_raw_public_key");
            }
            return derive(t, k, peer);
        } catch (LowOrderPointException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            free(0, peer, 0);
        }
    }

    @Override
    public byte[] publicKey(byte[] k) {
        PerThread t = perThread();
        try {
            return derive(t, k, t.basePoint);
        } catch (LowOrderPointException e) {
            throw new IllegalStateException("X25519 of the base point cannot be zero", e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code X25519(k, peer)}; the private key and the product are wiped from native memory. */
    private static byte[] derive(PerThread t, byte[] k, long peer) throws Throwable {
        MemorySegment s = t.scratch;
        long base = t.base;
        long pkey = 0, ctx = 0;
        try {
            MemorySegment.copy(k, 0, s, JAVA_BYTE, PRIV, KEY);
            s.set(JAVA_LONG, PKEY_OUT, 0L); // fromdata fills in an EVP_PKEY it finds there
            int imported = (int) H.fromdata.invokeExact(t.importCtx, base + PKEY_OUT, EVP_PKEY_KEYPAIR, base + PARAMS);
            s.asSlice(PRIV, KEY).fill((byte) 0);
            pkey = s.get(JAVA_LONG, PKEY_OUT);
            if (imported != 1 || pkey == 0) {
                throw failure("EVP_PKEY_fromdata");
            }
            ctx = (long) H.ctxNew.invokeExact(pkey, 0L);
            if (ctx == 0) {
                throw failure("EVP_PKEY_CTX_new");
            }
            if ((int) H.deriveInit.invokeExact(ctx) != 1 || (int) H.deriveSetPeer.invokeExact(ctx, peer) != 1) {
                throw failure("EVP_PKEY_derive_init/set_peer");
            }
            s.set(JAVA_LONG, LEN, KEY);
            if ((int) H.derive.invokeExact(ctx, base + OUT, base + LEN) != 1) {
                // The only way a set-up X25519 derivation fails: the product is all zeros.
                H.errClear.invokeExact();
                throw new LowOrderPointException();
            }
            if (s.get(JAVA_LONG, LEN) != KEY) {
                throw new IllegalStateException("libcrypto X25519 returned " + s.get(JAVA_LONG, LEN) + " bytes");
            }
            byte[] out = new byte[KEY];
            MemorySegment.copy(s, JAVA_BYTE, OUT, out, 0, KEY);
            return out;
        } finally {
            s.asSlice(PRIV, KEY).fill((byte) 0);
            s.asSlice(OUT, KEY).fill((byte) 0);
            free(ctx, 0, pkey);
        }
    }

    /** This thread's scratch segment, for the test that checks the wiping. */
    static MemorySegment scratchOfThisThread() {
        return perThread().scratch;
    }

    private static PerThread perThread() {
        if (ERROR != null) {
            throw new IllegalStateException("libcrypto X25519 unavailable: " + ERROR);
        }
        return PER_THREAD.get();
    }

    private static IllegalStateException failure(String function) throws Throwable {
        H.errClear.invokeExact();
        return new IllegalStateException("libcrypto " + function + " failed");
    }

    private static void free(long ctx, long peer, long pkey) {
        try {
            if (ctx != 0) {
                H.ctxFree.invokeExact(ctx);
            }
            if (peer != 0) {
                H.pkeyFree.invokeExact(peer);
            }
            if (pkey != 0) {
                H.pkeyFree.invokeExact(pkey);
            }
        } catch (Throwable t) {
            // Freeing cannot fail in libcrypto; nothing to report.
        }
    }

    /** Null when RFC 7748 section 6.1 comes out right through this class, else why not. */
    private static String selfTest() {
        try {
            byte[] alice = Hex.decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
            byte[] bobPub = Hex.decode("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
            byte[] alicePub = Hex.decode("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
            byte[] shared = Hex.decode("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
            PerThread t = new PerThread();
            MemorySegment.copy(bobPub, 0, t.scratch, JAVA_BYTE, PEER, KEY);
            long peer = (long) H.newRawPublic.invokeExact(EVP_PKEY_X25519, 0L, t.base + PEER, (long) KEY);
            try {
                if (!Arrays.equals(derive(t, alice, peer), shared)
                        || !Arrays.equals(derive(t, alice, t.basePoint), alicePub)) {
                    return "libcrypto X25519 self-test (RFC 7748 section 6.1) gave a wrong answer";
                }
            } finally {
                free(0, peer, 0);
            }
            return null;
        } catch (Throwable e) {
            return "libcrypto X25519 self-test failed: " + e.getMessage();
        }
    }

    /** One thread's scratch memory, import context and base-point key. */
    private static final class PerThread {
        final MemorySegment scratch = Arena.ofAuto().allocate(SCRATCH_BYTES, 16);
        final long base = scratch.address();
        final long importCtx;
        final long basePoint;

        PerThread() {
            long ctx = 0, bp = 0;
            try {
                ctx = (long) H.ctxNewFromName.invokeExact(0L, H.x25519Name, 0L);
                if (ctx == 0 || (int) H.fromdataInit.invokeExact(ctx) != 1) {
                    throw failure("EVP_PKEY_fromdata_init");
                }
                MemorySegment.copy(BASE_POINT, 0, scratch, JAVA_BYTE, PEER, KEY);
                bp = (long) H.newRawPublic.invokeExact(EVP_PKEY_X25519, 0L, base + PEER, (long) KEY);
                if (bp == 0) {
                    throw failure("EVP_PKEY_new_raw_public_key");
                }
            } catch (RuntimeException | Error e) {
                release(ctx, bp);
                throw e;
            } catch (Throwable e) {
                release(ctx, bp);
                throw new IllegalStateException(e);
            }
            importCtx = ctx;
            basePoint = bp;
            // OSSL_PARAM[] {priv, pub (placeholder zeros), end}; the pointers stay valid with the segment.
            param(0, H.privName, base + PRIV);
            param(1, H.pubName, base + PLACEHOLDER);
            long ctxToFree = ctx, bpToFree = bp;
            CLEANER.register(this, () -> release(ctxToFree, bpToFree));
        }

        private void param(int i, long name, long data) {
            long p = PARAMS + i * PARAM_BYTES;
            scratch.set(JAVA_LONG, p, name);
            scratch.set(JAVA_INT, p + 8, OCTET_STRING);
            scratch.set(JAVA_LONG, p + 16, data);
            scratch.set(JAVA_LONG, p + 24, KEY);
            scratch.set(JAVA_LONG, p + 32, -1L); // OSSL_PARAM_UNMODIFIED
        }

        private static void release(long ctx, long basePoint) {
            try {
                if (ctx != 0) {
                    H.ctxFree.invokeExact(ctx);
                }
                if (basePoint != 0) {
                    H.pkeyFree.invokeExact(basePoint);
                }
            } catch (Throwable t) {
                // Freeing cannot fail in libcrypto; nothing to report.
            }
        }
    }

    /** The libcrypto entry points and constant strings, looked up once. */
    private static final class Handles {
        final MethodHandle ctxNewFromName = LibCrypto.downcall(
                "EVP_PKEY_CTX_new_from_name", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        final MethodHandle fromdataInit =
                LibCrypto.downcall("EVP_PKEY_fromdata_init", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        final MethodHandle fromdata = LibCrypto.downcall(
                "EVP_PKEY_fromdata", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG));
        final MethodHandle newRawPublic = LibCrypto.downcall(
                "EVP_PKEY_new_raw_public_key",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        final MethodHandle ctxNew =
                LibCrypto.downcall("EVP_PKEY_CTX_new", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        final MethodHandle deriveInit =
                LibCrypto.downcall("EVP_PKEY_derive_init", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        final MethodHandle deriveSetPeer =
                LibCrypto.downcall("EVP_PKEY_derive_set_peer", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        final MethodHandle derive =
                LibCrypto.downcall("EVP_PKEY_derive", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        final MethodHandle ctxFree = LibCrypto.downcall("EVP_PKEY_CTX_free", FunctionDescriptor.ofVoid(JAVA_LONG));
        final MethodHandle pkeyFree = LibCrypto.downcall("EVP_PKEY_free", FunctionDescriptor.ofVoid(JAVA_LONG));
        final MethodHandle errClear = LibCrypto.downcall("ERR_clear_error", FunctionDescriptor.ofVoid());
        final long x25519Name = Arena.global().allocateFrom("X25519").address();
        final long privName = Arena.global().allocateFrom("priv").address();
        final long pubName = Arena.global().allocateFrom("pub").address();
    }
}
