package dev.psk.tunnel.crypto;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.psk.common.ffm.LibCrypto;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * {@link X25519Backend} on libcrypto's EVP_PKEY X25519 through the Foreign Function &amp; Memory
 * API (loaded by {@link LibCrypto}).
 *
 * <p>Each call builds an EVP_PKEY from the raw private key (libcrypto keeps its own copy and wipes
 * it when the key is freed), derives with the peer's raw public key, and frees everything before
 * returning: no native object outlives a call or is shared between threads. Inputs and outputs pass
 * through a per-thread native scratch segment; the private key and the shared secret are wiped
 * from it before the call returns. A multiplication of the base point takes libcrypto's fixed-base
 * path ({@code EVP_PKEY_get_raw_public_key}).
 *
 * <p>Pointers are passed as 64-bit integers (as in {@link OpenSslChaCha20Poly1305}), so a call
 * creates no segment objects.
 */
final class OpenSslX25519 implements X25519Backend {
    /** NID_X25519 = EVP_PKEY_X25519 in OpenSSL's obj_mac.h. */
    private static final int EVP_PKEY_X25519 = 1034;

    private static final int KEY = X25519.KEY_BYTES;
    private static final long PRIV = 0, PEER = 32, OUT = 64, LEN = 96, SCRATCH_BYTES = 104;

    private static final Handles H;
    private static final String ERROR;

    static {
        Handles h = null;
        String error = null;
        try {
            h = new Handles();
        } catch (RuntimeException e) {
            error = e.getMessage();
        }
        H = h;
        ERROR = error;
    }

    static final OpenSslX25519 INSTANCE = new OpenSslX25519();

    /** Native scratch per thread: priv[32] | peer[32] | out[32] | size_t length; freed with the thread. */
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SCRATCH_BYTES, 16));

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
        if (isBasePoint(u)) {
            return publicKey(k);
        }
        MemorySegment s = scratch();
        long base = s.address();
        long pkey = 0, peer = 0, ctx = 0;
        try {
            pkey = privateKey(s, k);
            MemorySegment.copy(u, 0, s, JAVA_BYTE, PEER, KEY);
            peer = (long) H.newRawPublic.invokeExact(EVP_PKEY_X25519, 0L, base + PEER, (long) KEY);
            if (peer == 0) {
                throw failure("EVP_PKEY_new_raw_public_key");
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
                // The only way a set-up X25519 derivation fails: the result is all zeros.
                H.errClear.invokeExact();
                throw new LowOrderPointException();
            }
            return output(s);
        } catch (LowOrderPointException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            s.asSlice(OUT, KEY).fill((byte) 0);
            free(ctx, peer, pkey);
        }
    }

    @Override
    public byte[] publicKey(byte[] k) {
        MemorySegment s = scratch();
        long pkey = 0;
        try {
            pkey = privateKey(s, k);
            s.set(JAVA_LONG, LEN, KEY);
            if ((int) H.getRawPublic.invokeExact(pkey, s.address() + OUT, s.address() + LEN) != 1) {
                throw failure("EVP_PKEY_get_raw_public_key");
            }
            return output(s);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            free(0, 0, pkey);
        }
    }

    private static MemorySegment scratch() {
        if (H == null) {
            throw new IllegalStateException("libcrypto X25519 unavailable: " + ERROR);
        }
        return SCRATCH.get();
    }

    /** An EVP_PKEY holding {@code k}; our native copy of {@code k} is wiped before this returns. */
    private static long privateKey(MemorySegment s, byte[] k) throws Throwable {
        long pkey;
        try {
            MemorySegment.copy(k, 0, s, JAVA_BYTE, PRIV, KEY);
            pkey = (long) H.newRawPrivate.invokeExact(EVP_PKEY_X25519, 0L, s.address() + PRIV, (long) KEY);
        } finally {
            s.asSlice(PRIV, KEY).fill((byte) 0);
        }
        if (pkey == 0) {
            throw failure("EVP_PKEY_new_raw_private_key");
        }
        return pkey;
    }

    private static byte[] output(MemorySegment s) {
        if (s.get(JAVA_LONG, LEN) != KEY) {
            throw new IllegalStateException("libcrypto X25519 returned " + s.get(JAVA_LONG, LEN) + " bytes");
        }
        byte[] out = new byte[KEY];
        MemorySegment.copy(s, JAVA_BYTE, OUT, out, 0, KEY);
        return out;
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

    /** Public values, compared in variable time: 9 followed by zeros. */
    private static boolean isBasePoint(byte[] u) {
        if (u[0] != 9) {
            return false;
        }
        for (int i = 1; i < KEY; i++) {
            if (u[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The libcrypto entry points, looked up once. */
    private static final class Handles {
        final MethodHandle newRawPrivate = LibCrypto.downcall(
                "EVP_PKEY_new_raw_private_key",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        final MethodHandle newRawPublic = LibCrypto.downcall(
                "EVP_PKEY_new_raw_public_key",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        final MethodHandle getRawPublic = LibCrypto.downcall(
                "EVP_PKEY_get_raw_public_key", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
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
    }
}
