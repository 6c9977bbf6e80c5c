package dev.psk.identity.pkcs11;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.psk.identity.EcP256;
import dev.psk.identity.pkcs11.Cryptoki.Fn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Object-level access on one session: C_FindObjects, C_GetAttributeValue one attribute at a time
 * (so "unavailable", "sensitive" and "invalid" stay distinguishable), and the key-pair view
 * ({@link TokenKey}) of a private key handle. Not thread-safe: {@link Pkcs11Token} serializes calls.
 */
final class TokenObjects {
    private final Cryptoki ck;
    private final long session;

    TokenObjects(Cryptoki ck, long session) {
        this.ck = ck;
        this.session = session;
    }

    Cryptoki cryptoki() {
        return ck;
    }

    long session() {
        return session;
    }

    /** Reads one attribute; null when the token reports it unavailable, sensitive or invalid. */
    byte[] attribute(long handle, long type) throws Pkcs11Exception {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment t = a.allocate(Ck.ATTRIBUTE_BYTES, 8);
            t.set(JAVA_LONG, 0, type);
            t.set(ADDRESS, 8, MemorySegment.NULL);
            long rv = ck.call(Fn.C_GetAttributeValue, session, handle, t, 1L);
            long len = t.get(JAVA_LONG, 16);
            if (rv == Ck.CKR_ATTRIBUTE_SENSITIVE
                    || rv == Ck.CKR_ATTRIBUTE_TYPE_INVALID
                    || len == Ck.CK_UNAVAILABLE_INFORMATION) {
                return null;
            }
            if (rv != Ck.CKR_OK) {
                throw Cryptoki.failure(Fn.C_GetAttributeValue, rv);
            }
            MemorySegment v = a.allocate(Math.max(1, len));
            t.set(ADDRESS, 8, v);
            ck.check(Fn.C_GetAttributeValue, session, handle, t, 1L);
            len = t.get(JAVA_LONG, 16);
            byte[] out = new byte[(int) len];
            MemorySegment.copy(v, JAVA_BYTE, 0, out, 0, (int) len);
            return out;
        }
    }

    /** Raw C_GetAttributeValue return value for one attribute (export-attempt tests). */
    long attributeReturnValue(long handle, long type) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment t = a.allocate(Ck.ATTRIBUTE_BYTES, 8);
            t.set(JAVA_LONG, 0, type);
            return ck.call(Fn.C_GetAttributeValue, session, handle, t, 1L);
        }
    }

    List<Long> find(Template template) throws Pkcs11Exception {
        List<Long> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            ck.check(Fn.C_FindObjectsInit, session, template.allocate(a), (long) template.size());
            try {
                MemorySegment handles = a.allocate(JAVA_LONG, 32);
                MemorySegment count = a.allocate(JAVA_LONG);
                while (true) {
                    ck.check(Fn.C_FindObjects, session, handles, 32L, count);
                    long n = count.get(JAVA_LONG, 0);
                    for (long i = 0; i < n; i++) {
                        out.add(handles.getAtIndex(JAVA_LONG, i));
                    }
                    if (n < 32) {
                        break;
                    }
                }
            } finally {
                ck.call(Fn.C_FindObjectsFinal, session);
            }
        }
        return out;
    }

    TokenKey describeKey(long h) throws Pkcs11Exception {
        byte[] label = attribute(h, Ck.CKA_LABEL);
        byte[] id = attribute(h, Ck.CKA_ID);
        byte[] kt = attribute(h, Ck.CKA_KEY_TYPE);
        String l = label == null ? "" : new String(label, StandardCharsets.UTF_8);
        byte[] i = id == null ? new byte[0] : id;
        long pub = 0;
        Template t = new Template().ulong(Ck.CKA_CLASS, Ck.CKO_PUBLIC_KEY);
        if (i.length > 0) {
            t.bytes(Ck.CKA_ID, i);
        } else {
            t.text(Ck.CKA_LABEL, l);
        }
        List<Long> pubs = find(t);
        if (pubs.size() == 1) {
            pub = pubs.get(0);
        }
        return new TokenKey(h, pub, l, i, kt == null ? -1 : ulong(kt));
    }

    Optional<Boolean> bool(long handle, long type) throws Pkcs11Exception {
        byte[] v = attribute(handle, type);
        return v == null || v.length != 1 ? Optional.empty() : Optional.of(v[0] != 0);
    }

    private static long ulong(byte[] v) {
        if (v.length != 8) {
            return -1;
        }
        return MemorySegment.ofArray(v)
                .get(JAVA_LONG.withOrder(java.nio.ByteOrder.nativeOrder()).withByteAlignment(1), 0);
    }

    /** CKA_EC_POINT is a DER OCTET STRING per PKCS#11 v2.40; some modules return the bare point. */
    static byte[] unwrapOctetString(byte[] v) {
        if (v.length == EcP256.POINT_BYTES + 2 && v[0] == 0x04 && v[1] == EcP256.POINT_BYTES) {
            return Arrays.copyOfRange(v, 2, v.length);
        }
        return v;
    }
}
