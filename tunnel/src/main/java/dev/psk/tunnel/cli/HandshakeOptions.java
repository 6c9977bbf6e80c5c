package dev.psk.tunnel.cli;

import dev.psk.attest.enrol.PinnedAk;
import dev.psk.attest.policy.PcrPolicy;
import dev.psk.attest.quote.AkSource;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.common.Hex;
import dev.psk.common.PskException;
import dev.psk.common.cli.UsageException;
import dev.psk.identity.PinnedPeers;
import dev.psk.identity.SerialIdentity;
import dev.psk.identity.pkcs11.PinSource;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.TokenSigner;
import dev.psk.tunnel.cli.support.IdentityFlagRules;
import dev.psk.tunnel.handshake.HandshakeConfig;
import dev.psk.tunnel.handshake.HandshakeKeys;
import dev.psk.tunnel.handshake.HandshakeMode;
import dev.psk.tunnel.handshake.LocalIdentity;
import dev.psk.tunnel.handshake.PeerTrust;
import dev.psk.tunnel.handshake.PinnedPeerTrust;
import dev.psk.tunnel.handshake.PolicyQuoteChecker;
import dev.psk.tunnel.handshake.QuoteChecker;
import dev.psk.tunnel.handshake.QuoteSource;
import dev.psk.tunnel.handshake.TokenIdentity;
import dev.psk.tunnel.handshake.TpmQuoteSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The handshake flags of {@code psk-tunnel} (a picocli mixin): {@code --handshake off|psk|signed|attested}
 * and what the modes need. {@link #validate()} rejects contradictory combinations with a usage error
 * naming the fix; {@link #build} opens the token, reads pins, policy and AK, and returns the engine
 * configuration. With {@code off} nothing here is used and the data path is the seed's.
 */
public final class HandshakeOptions {
    @Option(
            names = "--handshake",
            paramLabel = "MODE",
            defaultValue = "off",
            description = "off (seed data path, default), psk (HELLO/WELCOME/CONFIRM keyed from the pad), "
                    + "signed (plus token signatures checked against --peers), attested (plus a TPM quote).")
    String mode;

    @Option(
            names = "--identity",
            paramLabel = "URI",
            description =
                    "PKCS#11 URI of this device's identity key (RFC 7512), e.g. 'pkcs11:token=dev;object=identity?module-name=softhsm2&pin-source=file:/etc/psk/pin'.")
    String identity;

    @Option(
            names = "--pin-file",
            paramLabel = "FILE",
            description =
                    "Token PIN (first line) when the URI has no pin-source; else the PIN is asked on the terminal.")
    Path pinFile;

    @Option(
            names = "--peers",
            paramLabel = "FILE",
            description = "Pinned-peers file (psk-provision pin); required for signed and attested.")
    Path peers;

    @Option(
            names = "--allow-serials",
            paramLabel = "FILE",
            description = "Allowlist of the peer's salted serial ids (hex, one per line).")
    Path allowSerials;

    @Option(
            names = "--serial-salt",
            paramLabel = "HEX",
            description = "Deployment salt: send this device's salted serial id in the handshake.")
    String serialSalt;

    @Option(
            names = "--serial-length",
            paramLabel = "N",
            defaultValue = "8",
            description = "Salted serial id length, 8 or 16 (default 8).")
    int serialLength;

    @Option(names = "--serial-root", paramLabel = "DIR", defaultValue = "/", hidden = true)
    Path serialRoot;

    @Option(
            names = "--attest",
            paramLabel = "ADDRESS",
            description = "Quote with this TPM when the peer asks: /dev/tpmrm0, device:PATH or swtpm:host=H,port=P.")
    String attest;

    @Option(
            names = "--attest-pcrs",
            paramLabel = "SEL",
            defaultValue = "sha256:0-7",
            description = "PCR selection this end quotes (default sha256:0-7).")
    String attestPcrs;

    @Option(
            names = "--policy",
            paramLabel = "FILE",
            description =
                    "Demand a quote from the peer and check it against this PCR policy (psk-attest policy format).")
    Path policy;

    @Option(
            names = "--peer-ak",
            paramLabel = "FILE",
            description = "The peer's pinned attestation key (PEM, DER or TPM2B_PUBLIC); required with --policy.")
    Path peerAk;

    @Option(
            names = "--quote-pcrs",
            paramLabel = "SEL",
            defaultValue = "sha256:0-7",
            description = "PCR selection the peer's quote must cover exactly (default sha256:0-7).")
    String quotePcrs;

    @Option(
            names = "--reattest-interval",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description = "Attested mode: demand a fresh quote at least this often (default ${DEFAULT-VALUE}; "
                    + "every rekey, at most 120 s apart, carries one as well).")
    java.time.Duration reattestInterval;

    /** Test and lab option: the rekey interval (keys are wiped after 1.5 times it). */
    @Option(
            names = "--rekey-interval",
            paramLabel = "DURATION",
            defaultValue = "120s",
            converter = DurationConverter.class,
            hidden = true)
    java.time.Duration rekeyInterval;

    public HandshakeMode mode() {
        try {
            return HandshakeMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--handshake: expected off, psk, signed or attested, not '" + mode + "'");
        }
    }

    /** Rejects combinations that cannot work, naming the flag to add or remove. */
    public void validate() {
        HandshakeMode m = mode();
        IdentityFlagRules.check(m, identity, peers);
        if (m == HandshakeMode.OFF) {
            if (identity != null
                    || peers != null
                    || allowSerials != null
                    || attest != null
                    || policy != null
                    || serialSalt != null) {
                throw new UsageException(
                        "--identity, --peers, --allow-serials, --serial-salt, --attest and --policy need --handshake psk, signed or attested");
            }
            return;
        }
        if (m.requiresSignature() && (identity == null || peers == null)) {
            throw new UsageException("--handshake " + m
                    + " needs --identity URI (this device's token key) and --peers FILE (the peer's pinned key)");
        }
        if (m != HandshakeMode.ATTESTED && (attest != null || policy != null)) {
            throw new UsageException("--attest and --policy need --handshake attested");
        }
        if (m == HandshakeMode.ATTESTED && attest == null && policy == null) {
            throw new UsageException(
                    "--handshake attested needs --attest TPM (to quote) and/or --policy FILE --peer-ak FILE (to demand a quote)");
        }
        if ((policy == null) != (peerAk == null)) {
            throw new UsageException(
                    "--policy and --peer-ak go together: the policy says which PCR values, the AK whose quote");
        }
        if (rekeyInterval.isNegative()
                || rekeyInterval.isZero()
                || rekeyInterval.compareTo(dev.psk.tunnel.handshake.HandshakeWire.REKEY_AFTER) > 0) {
            throw new UsageException("--rekey-interval: expected more than 0 and at most 120s, not " + rekeyInterval);
        }
        if (reattestInterval.isNegative() || reattestInterval.isZero()) {
            throw new UsageException("--reattest-interval: expected a positive duration, not " + reattestInterval);
        }
        if (serialLength != 8 && serialLength != 16) {
            throw new UsageException("--serial-length: expected 8 or 16, not " + serialLength);
        }
    }

    /** Opens what the mode needs and returns the engine configuration; the caller closes {@code keys} and the identity. */
    public HandshakeConfig build(HandshakeKeys keys) throws PskException {
        validate();
        HandshakeMode m = mode();
        byte[] serial = new byte[0];
        if (serialSalt != null) {
            serial = SerialIdentity.derive(Hex.decode(serialSalt, "--serial-salt"), serialLength, serialRoot);
        }
        LocalIdentity local = LocalIdentity.none(serial);
        if (identity != null) {
            PinSource pins = pinFile != null ? PinSource.file(pinFile) : PinSource.console();
            local = new TokenIdentity(TokenSigner.open(Pkcs11Uri.parse(identity), pins), serial);
        }
        Set<String> serials = allowSerials == null ? null : PinnedPeerTrust.readSerialAllowlist(allowSerials);
        // A peers file is watched: removing or disabling a pin cuts that peer's data within a second.
        PeerTrust trust = peers == null
                ? new PinnedPeerTrust(PinnedPeers.empty(), serials)
                : dev.psk.tunnel.handshake.ReloadingPeerTrust.load(peers, serials);
        QuoteSource quotes = null;
        QuoteChecker checker = null;
        try {
            if (attest != null) {
                String address = attest.startsWith("/") ? "device:" + attest : attest;
                quotes = new TpmQuoteSource(address, AkSource.ecc(), PcrSelection.parse(attestPcrs));
            }
            if (policy != null) {
                checker = new PolicyQuoteChecker(
                        PinnedAk.parse(read(peerAk, "--peer-ak")),
                        PcrSelection.parse(quotePcrs),
                        PcrPolicy.parse(read(policy, "--policy")));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return new HandshakeConfig(m, keys, local, trust, quotes, checker, InstantSource.system(), new SecureRandom());
    }

    /** The rekey interval ({@code --rekey-interval}, hidden; 120 s). */
    public java.time.Duration rekeyInterval() {
        return rekeyInterval;
    }

    /** {@code --reattest-interval} (10 min). */
    public java.time.Duration reattestInterval() {
        return reattestInterval;
    }

    private static byte[] read(Path file, String flag) throws PskException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PskException(flag + ": cannot read " + file + ": " + dev.psk.common.IoErrors.reason(e), e);
        }
    }

    @Override
    public String toString() {
        return "handshake " + mode.toLowerCase(Locale.ROOT);
    }
}
