package dev.psk.identity.pkcs11;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.psk.identity.pkcs11.Cryptoki.Fn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves the token a URI names to a slot (SunPKCS11 and many modules only know slots): lists the
 * slots with a token present and matches the URI's token, manufacturer, serial, model, slot-* and
 * library-* attributes against C_GetTokenInfo, C_GetSlotInfo and C_GetInfo (RFC 7512 section 2.3:
 * every attribute present must match; absent ones match anything).
 */
final class TokenSlots {
    /** A slot with its token and slot descriptions. */
    record Slot(TokenInfo token, String slotDescription, String slotManufacturer) {}

    private TokenSlots() {}

    static List<Slot> list(Cryptoki ck) throws Pkcs11Exception {
        List<Slot> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment count = a.allocate(JAVA_LONG);
            ck.check(Fn.C_GetSlotList, (byte) 1, MemorySegment.NULL, count);
            long n = count.get(JAVA_LONG, 0);
            if (n == 0) {
                return out;
            }
            MemorySegment ids = a.allocate(JAVA_LONG, n);
            ck.check(Fn.C_GetSlotList, (byte) 1, ids, count);
            n = count.get(JAVA_LONG, 0);
            for (long i = 0; i < n; i++) {
                long slot = ids.getAtIndex(JAVA_LONG, i);
                MemorySegment ti = a.allocate(Ck.TOKEN_INFO_BYTES, 8);
                long rv = tokenInfo(ck, slot, ti);
                if (rv == Ck.CKR_TOKEN_NOT_PRESENT || rv == Ck.CKR_TOKEN_NOT_RECOGNIZED) {
                    continue;
                }
                if (rv != Ck.CKR_OK) {
                    throw Cryptoki.failure(Fn.C_GetTokenInfo, rv);
                }
                long flags = ti.get(JAVA_LONG, Ck.TOKEN_INFO_FLAGS_OFFSET);
                TokenInfo info = new TokenInfo(
                        slot,
                        text(ti, 0, 32),
                        text(ti, 32, 32),
                        text(ti, 64, 16),
                        text(ti, 80, 16),
                        (flags & Ck.CKF_TOKEN_INITIALIZED) != 0,
                        (flags & Ck.CKF_LOGIN_REQUIRED) != 0,
                        (flags & Ck.CKF_USER_PIN_INITIALIZED) != 0,
                        (flags & Ck.CKF_RNG) != 0);
                MemorySegment si = a.allocate(Ck.SLOT_INFO_BYTES, 8);
                ck.check(Fn.C_GetSlotInfo, slot, si);
                out.add(new Slot(info, text(si, 0, 64), text(si, 64, 32)));
            }
        }
        return out;
    }

    /** Tries of C_GetTokenInfo on a transient failure, and the pause before the second try. */
    private static final int TOKEN_INFO_TRIES = 5;

    private static final long TOKEN_INFO_PAUSE_MILLIS = 20;

    /**
     * C_GetTokenInfo, repeated a few times (20, 40, 60, 80 ms apart) on CKR_GENERAL_ERROR,
     * CKR_DEVICE_ERROR or CKR_FUNCTION_FAILED. SoftHSM2's file store fails a token's integrity check
     * while another process is rewriting that token's file (a login updates it), and reports
     * CKR_GENERAL_ERROR for a token this process may not even want: two tunnel ends starting at the
     * same moment on one host hit it. The error persists only if the token is really broken.
     */
    private static long tokenInfo(Cryptoki ck, long slot, MemorySegment ti) throws Pkcs11Exception {
        long rv = Ck.CKR_OK;
        for (int attempt = 1; attempt <= TOKEN_INFO_TRIES; attempt++) {
            rv = ck.call(Fn.C_GetTokenInfo, slot, ti);
            if (rv != Ck.CKR_GENERAL_ERROR && rv != Ck.CKR_DEVICE_ERROR && rv != Ck.CKR_FUNCTION_FAILED) {
                return rv;
            }
            if (attempt < TOKEN_INFO_TRIES) {
                try {
                    Thread.sleep(TOKEN_INFO_PAUSE_MILLIS * attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return rv;
                }
            }
        }
        return rv;
    }

    /** C_GetInfo: manufacturer, description and "major.minor" version of the library. */
    static String[] libraryInfo(Cryptoki ck) throws Pkcs11Exception {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(Ck.INFO_BYTES, 8);
            ck.check(Fn.C_GetInfo, info);
            int major = info.get(JAVA_BYTE, 80) & 0xff;
            int minor = info.get(JAVA_BYTE, 81) & 0xff;
            return new String[] {text(info, 2, 32), text(info, 48, 32), major + "." + minor};
        }
    }

    /**
     * The one initialized token the URI selects.
     *
     * @throws Pkcs11Exception.TokenNotFoundException when none or several match; the message lists
     *     the tokens present so the operator can fix the URI
     */
    static Slot select(Cryptoki ck, Pkcs11Uri uri) throws Pkcs11Exception {
        List<Slot> slots = list(ck);
        List<Slot> matching = new ArrayList<>();
        if (libraryMatches(ck, uri)) {
            for (Slot s : slots) {
                if (s.token().initialized() && matches(uri, s)) {
                    matching.add(s);
                }
            }
        }
        if (matching.size() == 1) {
            return matching.get(0);
        }
        String present = describe(slots);
        if (matching.isEmpty()) {
            throw new Pkcs11Exception.TokenNotFoundException(
                    "no token matches " + selector(uri) + " in " + ck.path() + "; tokens present: " + present);
        }
        throw new Pkcs11Exception.TokenNotFoundException(matching.size() + " tokens match " + selector(uri) + " in "
                + ck.path() + ": add token= or serial= to pick one; tokens present: " + present);
    }

    static String describe(List<Slot> slots) {
        List<String> names = new ArrayList<>();
        for (Slot s : slots) {
            if (s.token().initialized()) {
                names.add(s.token().describe());
            }
        }
        return names.isEmpty() ? "none (initialize one with 'psk-provision token init')" : String.join(", ", names);
    }

    private static boolean matches(Pkcs11Uri uri, Slot s) {
        TokenInfo t = s.token();
        return eq(uri.token(), t.label())
                && eq(uri.manufacturer(), t.manufacturer())
                && eq(uri.serial(), t.serial())
                && eq(uri.model(), t.model())
                && eq(uri.slotDescription(), s.slotDescription())
                && eq(uri.slotManufacturer(), s.slotManufacturer())
                && (uri.slotId().isEmpty() || uri.slotId().getAsLong() == t.slotId());
    }

    private static boolean libraryMatches(Cryptoki ck, Pkcs11Uri uri) throws Pkcs11Exception {
        if (uri.libraryManufacturer().isEmpty()
                && uri.libraryDescription().isEmpty()
                && uri.libraryVersion().isEmpty()) {
            return true;
        }
        String[] lib = libraryInfo(ck);
        Function<String, String> normVersion = v -> v.contains(".") ? v : v + ".0";
        return eq(uri.libraryManufacturer(), lib[0])
                && eq(uri.libraryDescription(), lib[1])
                && (uri.libraryVersion().isEmpty()
                        || normVersion.apply(uri.libraryVersion().get()).equals(lib[2]));
    }

    private static boolean eq(Optional<String> want, String have) {
        return want.isEmpty() || want.get().equals(have);
    }

    /** The token-selecting part of a URI, for messages (no query: it may hold a PIN). */
    static String selector(Pkcs11Uri uri) {
        StringBuilder sb = new StringBuilder();
        uri.pathAttributes().forEach((k, v) -> {
            if (!k.equals("object") && !k.equals("id") && !k.equals("type")) {
                sb.append(sb.isEmpty() ? "" : ";").append(k).append('=').append(v);
            }
        });
        return sb.isEmpty() ? "(any token)" : sb.toString();
    }

    /** A blank-padded CK_UTF8CHAR field, trimmed (trailing blanks and NULs). */
    static String text(MemorySegment seg, long offset, int length) {
        byte[] b = new byte[length];
        MemorySegment.copy(seg, JAVA_BYTE, offset, b, 0, length);
        int end = length;
        while (end > 0 && (b[end - 1] == ' ' || b[end - 1] == 0)) {
            end--;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }
}
