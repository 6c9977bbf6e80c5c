package dev.psk.tunnel.cli.support;

import dev.psk.common.cli.UsageException;
import dev.psk.identity.pkcs11.Pkcs11Exception;
import dev.psk.identity.pkcs11.Pkcs11Token;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.Pkcs11UriException;
import dev.psk.tunnel.handshake.HandshakeMode;
import java.nio.file.Path;

/**
 * Identity flag combinations {@code psk-tunnel} refuses before opening anything (issue #12), as
 * usage errors (exit 2) that name the fix:
 *
 * <ul>
 *   <li>a PKCS#11 URI carrying {@code pin-value}: argv is readable by every local user in
 *       {@code /proc/PID/cmdline}, so the PIN would be public;
 *   <li>{@code --handshake psk} with {@code --peers}: psk mode checks no signature, so an identity
 *       claimed in its handshake is whatever anyone with the pad sends, and would be logged under a
 *       pinned peer's name as if verified.
 * </ul>
 */
public final class IdentityFlagRules {
    private IdentityFlagRules() {}

    /** The p2p checks: {@code --identity}'s URI, then the mode and {@code --peers}. */
    public static void check(HandshakeMode mode, String identityUri, Path peers) {
        refusePinValue("--identity", identityUri);
        if (mode == HandshakeMode.PSK && peers != null) {
            throw new UsageException("--peers needs --handshake signed or attested: psk mode verifies no identity,"
                    + " so a pinned name would be shown for an unverified claim");
        }
    }

    /**
     * Refuses a URI that does not parse (an attribute typo such as {@code tokn=}: the argument is
     * wrong, so a usage error before anything is opened) and one that carries {@code pin-value}.
     */
    public static void refusePinValue(String flag, String uri) {
        if (uri == null) {
            return;
        }
        boolean pin;
        try {
            Pkcs11Uri parsed = Pkcs11Uri.parse(uri);
            Pkcs11Token.requireStandardAttributes(parsed);
            pin = parsed.hasPinValue();
        } catch (Pkcs11UriException | Pkcs11Exception e) {
            throw new UsageException(flag + ": " + e.getMessage());
        }
        if (pin) {
            throw new UsageException(flag + ": the URI carries pin-value, which every local user can read in"
                    + " /proc/PID/cmdline; use pin-source=file:PATH (mode 0600) or --pin-file");
        }
    }
}
