package dev.psk.identity.pkcs11;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A CK_ATTRIBUTE array under construction: typed setters, then one native allocation. */
final class Template {
    private record Attr(long type, byte[] value) {}

    private final List<Attr> attrs = new ArrayList<>();

    Template bool(long type, boolean v) {
        attrs.add(new Attr(type, new byte[] {(byte) (v ? 1 : 0)}));
        return this;
    }

    Template ulong(long type, long v) {
        byte[] b = new byte[8];
        MemorySegment.ofArray(b)
                .set(JAVA_LONG.withOrder(java.nio.ByteOrder.nativeOrder()).withByteAlignment(1), 0, v);
        attrs.add(new Attr(type, b));
        return this;
    }

    Template bytes(long type, byte[] v) {
        attrs.add(new Attr(type, v.clone()));
        return this;
    }

    Template text(long type, String v) {
        attrs.add(new Attr(type, v.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    int size() {
        return attrs.size();
    }

    /** The CK_ATTRIBUTE array, values copied into {@code arena}. */
    MemorySegment allocate(Arena arena) {
        MemorySegment array = arena.allocate(Ck.ATTRIBUTE_BYTES * Math.max(1, attrs.size()), 8);
        for (int i = 0; i < attrs.size(); i++) {
            Attr a = attrs.get(i);
            MemorySegment value = a.value.length == 0 ? MemorySegment.NULL : arena.allocate(a.value.length);
            if (a.value.length > 0) {
                MemorySegment.copy(a.value, 0, value, JAVA_BYTE, 0, a.value.length);
            }
            long base = Ck.ATTRIBUTE_BYTES * i;
            array.set(JAVA_LONG, base, a.type);
            array.set(ADDRESS, base + 8, value);
            array.set(JAVA_LONG, base + 16, a.value.length);
        }
        return array;
    }
}
