package dev.psk.attest.verify;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.psk.attest.tpm.DerEcdsa;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.TpmtSignature;
import dev.psk.common.ffm.LibCrypto;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ECDSA verification through OpenSSL's libcrypto (EVP_DigestVerify) via the Foreign Function &amp;
 * Memory API (loaded by {@link LibCrypto}, the toolkit's one libcrypto loader): about ten times the JDK's SunEC throughput for P-256 on this hardware, which the
 * verifier's 5,000 quotes per second per core target needs. Used only when libcrypto 3 loads and
 * {@code -Dpsk.attest.nativeCrypto=false} is not set; {@link QuoteSignatures} falls back to JCA
 * otherwise, and both paths run the Wycheproof vectors.
 *
 * <p>Range checks of r and s and the strict DER decoding happen before this class in
 * {@link QuoteSignatures}; OpenSSL receives a canonical DER re-encoding. Parsed keys are cached per
 * thread (a small LRU, freed on eviction by the owning thread), so no EVP_PKEY is ever shared
 * between threads.
 */
final class NativeEcdsa {
    private static final int CACHE_ENTRIES = 8;
    private static final Handles H = load();

    private record Handles(
            MethodHandle d2iPubkey,
            MethodHandle pkeyFree,
            MethodHandle mdCtxNew,
            MethodHandle mdCtxFree,
            MethodHandle verifyInit,
            MethodHandle verify,
            MethodHandle errClear,
            Map<HashAlg, MemorySegment> mds) {}

    /** A parsed EVP_PKEY for one SubjectPublicKeyInfo. */
    private record CachedKey(byte[] spki, MemorySegment pkey) {}

    private static final ThreadLocal<LinkedHashMap<Integer, CachedKey>> KEYS =
            ThreadLocal.withInitial(() -> new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, CachedKey> eldest) {
                    if (size() > CACHE_ENTRIES) {
                        free(eldest.getValue().pkey());
                        return true;
                    }
                    return false;
                }
            });

    private NativeEcdsa() {}

    static boolean available() {
        return H != null;
    }

    private static Handles load() {
        if ("false".equalsIgnoreCase(System.getProperty("psk.attest.nativeCrypto"))) {
            return null;
        }
        try {
            MethodHandle d2i =
                    LibCrypto.downcall("d2i_PUBKEY", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
            MethodHandle free = LibCrypto.downcall("EVP_PKEY_free", FunctionDescriptor.ofVoid(ADDRESS));
            MethodHandle ctxNew = LibCrypto.downcall("EVP_MD_CTX_new", FunctionDescriptor.of(ADDRESS));
            MethodHandle ctxFree = LibCrypto.downcall("EVP_MD_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
            MethodHandle init = LibCrypto.downcall(
                    "EVP_DigestVerifyInit",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
            MethodHandle verify = LibCrypto.downcall(
                    "EVP_DigestVerify",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
            MethodHandle clear = LibCrypto.downcall("ERR_clear_error", FunctionDescriptor.ofVoid());
            Map<HashAlg, MemorySegment> mds = new java.util.EnumMap<>(HashAlg.class);
            for (HashAlg h : HashAlg.values()) {
                MethodHandle md = LibCrypto.downcall("EVP_" + h.toolName(), FunctionDescriptor.of(ADDRESS));
                mds.put(h, (MemorySegment) md.invokeExact());
            }
            return new Handles(d2i, free, ctxNew, ctxFree, init, verify, clear, mds);
        } catch (Throwable t) {
            // No usable libcrypto (LibCrypto.unavailableReason() says why), or a function missing:
            // the JCA path serves.
            return null;
        }
    }

    /** True when the signature verifies; false on a bad signature or any native failure. */
    static boolean verify(TpmtSignature.Ecdsa sig, byte[] message, PublicKey key) {
        byte[] der = DerEcdsa.encode(sig.r(), sig.s());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pkey = key(key.getEncoded());
            if (pkey == null) {
                return false;
            }
            MemorySegment ctx = (MemorySegment) H.mdCtxNew().invokeExact();
            if (ctx.equals(MemorySegment.NULL)) {
                return false;
            }
            try {
                int rc = (int) H.verifyInit()
                        .invokeExact(ctx, MemorySegment.NULL, H.mds().get(sig.hash()), MemorySegment.NULL, pkey);
                if (rc != 1) {
                    H.errClear().invokeExact();
                    return false;
                }
                MemorySegment s = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, der);
                MemorySegment m = arena.allocateFrom(
                        java.lang.foreign.ValueLayout.JAVA_BYTE, message.length == 0 ? new byte[1] : message);
                rc = (int) H.verify().invokeExact(ctx, s, (long) der.length, m, (long) message.length);
                if (rc != 1) {
                    H.errClear().invokeExact();
                }
                return rc == 1;
            } finally {
                H.mdCtxFree().invokeExact(ctx);
            }
        } catch (Throwable t) {
            return false;
        }
    }

    private static MemorySegment key(byte[] spki) throws Throwable {
        LinkedHashMap<Integer, CachedKey> cache = KEYS.get();
        int h = Arrays.hashCode(spki);
        CachedKey c = cache.get(h);
        if (c != null && Arrays.equals(c.spki(), spki)) {
            return c.pkey();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, spki);
            MemorySegment pp = arena.allocateFrom(ADDRESS, buf);
            MemorySegment pkey = (MemorySegment) H.d2iPubkey().invokeExact(MemorySegment.NULL, pp, (long) spki.length);
            if (pkey.equals(MemorySegment.NULL)) {
                H.errClear().invokeExact();
                return null;
            }
            CachedKey old = cache.put(h, new CachedKey(spki.clone(), pkey));
            if (old != null) {
                free(old.pkey());
            }
            return pkey;
        }
    }

    private static void free(MemorySegment pkey) {
        try {
            H.pkeyFree().invokeExact(pkey);
        } catch (Throwable ignored) {
            // nothing to recover
        }
    }
}
