package dev.psk.identity.pkcs11;

import dev.psk.common.IoErrors;
import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a token PIN comes from: a file, an interactive prompt, a URI's pin-source or pin-value, or
 * nowhere (no login). PINs travel as {@code char[]} that the receiver wipes after use; no
 * implementation keeps, logs or prints one.
 */
@FunctionalInterface
public interface PinSource {
    /**
     * Returns the PIN for the token described by {@code tokenDescription} as a fresh array that the
     * caller wipes, or {@code null} when this source has no PIN (the session then stays logged out).
     *
     * @throws Pkcs11Exception.PinException when the PIN cannot be obtained (unreadable file, no terminal)
     */
    char[] pin(String tokenDescription) throws Pkcs11Exception.PinException;

    /** No PIN: sessions stay public (enough for the RNG and for listing public objects). */
    static PinSource none() {
        return d -> null;
    }

    /**
     * The first line of a file (its trailing CR/LF removed), read as UTF-8. The file should be
     * mode 0600; its content is never echoed in errors.
     */
    static PinSource file(Path file) {
        return d -> readPinFile(file);
    }

    /**
     * Asks on the controlling terminal without echo ({@link System#console()}); fails when the
     * standard streams are not a terminal (since JDK 22 a console object exists even then).
     */
    static PinSource console() {
        return d -> {
            Console c = System.console();
            if (c == null || !c.isTerminal()) {
                throw new Pkcs11Exception.PinException("a PIN is needed for " + d
                        + " but there is no terminal to ask on: give a PIN file or pin-source=file:…");
            }
            char[] pin = c.readPassword("PIN for %s: ", d);
            if (pin == null) {
                throw new Pkcs11Exception.PinException("no PIN entered for " + d);
            }
            return pin;
        };
    }

    /**
     * The PIN a URI carries: {@code pin-source} (a {@code file:} URI or an absolute path, RFC 7512
     * section 2.3) or {@code pin-value}. Empty when the URI has neither.
     *
     * @throws Pkcs11Exception.PinException for a pin-source scheme other than {@code file:}
     */
    static Optional<PinSource> fromUri(Pkcs11Uri uri) throws Pkcs11Exception.PinException {
        if (uri.pinSource().isPresent()) {
            String src = uri.pinSource().get();
            Path p;
            if (src.startsWith("file://")) {
                p = Path.of(src.substring("file://".length()));
            } else if (src.startsWith("file:")) {
                p = Path.of(src.substring("file:".length()));
            } else if (src.startsWith("/")) {
                p = Path.of(src);
            } else {
                throw new Pkcs11Exception.PinException(
                        "pin-source \"" + src + "\": expected file:/absolute/path (no other scheme is supported)");
            }
            return Optional.of(file(p));
        }
        if (uri.hasPinValue()) {
            return Optional.of(d -> uri.pinValue().orElseThrow());
        }
        return Optional.empty();
    }

    private static char[] readPinFile(Path file) throws Pkcs11Exception.PinException {
        byte[] raw = null;
        if (Files.isDirectory(file)) {
            throw new Pkcs11Exception.PinException("PIN file " + file + ": is a directory");
        }
        try {
            raw = Files.readAllBytes(file);
            int end = raw.length;
            int nl = -1;
            for (int i = 0; i < end; i++) {
                if (raw[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            if (nl >= 0) {
                end = nl;
            }
            if (end > 0 && raw[end - 1] == '\r') {
                end--;
            }
            if (end == 0) {
                throw new Pkcs11Exception.PinException(
                        "PIN file " + file + ": empty (expected the PIN on its first line)");
            }
            CharBuffer cb;
            try {
                cb = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(raw, 0, end));
            } catch (CharacterCodingException e) {
                throw new Pkcs11Exception.PinException("PIN file " + file + ": not UTF-8 text");
            }
            char[] pin = Arrays.copyOfRange(cb.array(), cb.position(), cb.limit());
            Arrays.fill(cb.array(), '\0');
            return pin;
        } catch (NoSuchFileException e) {
            throw new Pkcs11Exception.PinException("PIN file " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new Pkcs11Exception.PinException("PIN file " + file + ": permission denied");
        } catch (IOException e) {
            throw new Pkcs11Exception.PinException("PIN file " + file + ": cannot be read: " + IoErrors.reason(e));
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
        }
    }
}
