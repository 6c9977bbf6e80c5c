package dev.psk.identity.pkcs11;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.psk.identity.pkcs11.Cryptoki.Fn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Initializes a token in a free slot of a module (C_InitToken with the SO PIN, then C_InitPIN for
 * the user PIN), as {@code softhsm2-util --init-token --free} or {@code pkcs11-tool --init-token
 * --init-pin} do. Works with SoftHSM2 (which moves a new token to a fresh slot id) and tpm2-pkcs11
 * (which offers one empty slot). PINs are wiped from native memory after each call; the caller
 * wipes its arrays.
 */
public final class TokenInitializer {
    /** CK_TOKEN_INFO.label and C_InitToken's label are 32 bytes, blank padded. */
    public static final int LABEL_BYTES = 32;

    private TokenInitializer() {}

    /**
     * Initializes a new token labelled {@code label} in the first slot whose token is not initialized.
     *
     * @return the new token as the module now lists it
     * @throws Pkcs11Exception when the label is taken or too long, no slot is free, or the token refuses a PIN
     */
    public static TokenInfo initialize(Path module, String label, char[] soPin, char[] userPin) throws Pkcs11Exception {
        byte[] labelBytes = label.getBytes(StandardCharsets.UTF_8);
        if (label.isBlank() || labelBytes.length > LABEL_BYTES || label.strip().length() != label.length()) {
            throw new Pkcs11Exception(
                    "token label \"" + label + "\": expected 1-32 bytes of UTF-8 without leading or trailing blanks");
        }
        Pkcs11Uri moduleUri;
        Pkcs11Uri tokenUri;
        try {
            moduleUri = Pkcs11Uri.builder()
                    .query("module-path", module.toAbsolutePath().toString())
                    .build();
            tokenUri = moduleUri.toBuilder().path("token", label).build();
        } catch (Pkcs11UriException e) {
            throw new Pkcs11Exception("module path " + module + ": cannot be put in a PKCS#11 URI", e);
        }
        Cryptoki ck = Cryptoki.acquire(ModuleLocator.locate(moduleUri));
        try {
            TokenSlots.Slot free = null;
            for (TokenSlots.Slot s : TokenSlots.list(ck)) {
                if (s.token().initialized() && s.token().label().equals(label)) {
                    throw new Pkcs11Exception("a token labelled '" + label + "' already exists: "
                            + s.token().describe());
                }
                if (!s.token().initialized() && free == null) {
                    free = s;
                }
            }
            if (free == null) {
                throw new Pkcs11Exception("no free slot in " + module + " (every token is initialized; tokens present: "
                        + TokenSlots.describe(TokenSlots.list(ck)) + ")");
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment lab = a.allocate(LABEL_BYTES);
                lab.fill((byte) ' ');
                MemorySegment.copy(labelBytes, 0, lab, JAVA_BYTE, 0, labelBytes.length);
                Cryptoki c = ck;
                long slot = free.token().slotId();
                withPin(a, soPin, (p, n) -> c.call(Fn.C_InitToken, slot, p, n, lab), "C_InitToken (SO PIN)");
            }
        } finally {
            ck.release();
        }
        // SoftHSM2 lists the new token under a new slot id only after re-initialization.
        ck = Cryptoki.acquire(ModuleLocator.locate(moduleUri));
        try {
            TokenInfo token = TokenSlots.select(ck, tokenUri).token();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ph = a.allocate(JAVA_LONG);
                ck.check(
                        Fn.C_OpenSession,
                        token.slotId(),
                        Ck.CKF_SERIAL_SESSION | Ck.CKF_RW_SESSION,
                        MemorySegment.NULL,
                        MemorySegment.NULL,
                        ph);
                long session = ph.get(JAVA_LONG, 0);
                try {
                    Cryptoki c = ck;
                    withPin(a, soPin, (p, n) -> c.call(Fn.C_Login, session, Ck.CKU_SO, p, n), "C_Login as SO");
                    withPin(a, userPin, (p, n) -> c.call(Fn.C_InitPIN, session, p, n), "C_InitPIN (user PIN)");
                    ck.call(Fn.C_Logout, session);
                } finally {
                    ck.call(Fn.C_CloseSession, session);
                }
            }
            return TokenSlots.select(ck, tokenUri).token();
        } finally {
            ck.release();
        }
    }

    @FunctionalInterface
    private interface PinCall {
        long call(MemorySegment pin, long length);
    }

    private static void withPin(Arena a, char[] pin, PinCall call, String what) throws Pkcs11Exception {
        byte[] utf8 = Pkcs11Token.utf8(pin);
        MemorySegment p = a.allocate(Math.max(1, utf8.length));
        try {
            MemorySegment.copy(utf8, 0, p, JAVA_BYTE, 0, utf8.length);
            long rv = call.call(p, utf8.length);
            if (rv == Ck.CKR_PIN_LEN_RANGE || rv == Ck.CKR_PIN_INVALID) {
                throw new Pkcs11Exception.PinException(
                        what + ": the token does not accept this PIN's length or characters (" + Ck.rvName(rv) + ")",
                        rv);
            }
            if (rv == Ck.CKR_PIN_INCORRECT) {
                throw new Pkcs11Exception.PinException(what + ": PIN refused (" + Ck.rvName(rv) + ")", rv);
            }
            if (rv != Ck.CKR_OK) {
                throw new Pkcs11Exception(what + " returned " + Ck.rvName(rv), rv);
            }
        } finally {
            p.fill((byte) 0);
            Arrays.fill(utf8, (byte) 0);
        }
    }
}
