package dev.psk.attest.verify;

import dev.psk.attest.policy.ClockRecord;
import dev.psk.attest.policy.PcrPolicy;
import dev.psk.attest.tpm.EcCurves;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmtSignature;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;

/**
 * What a verifier demands of a quote: the pinned AK, the nonce it issued, the exact PCR selection,
 * the signature hash (default: SHA-256 for RSA and P-256, SHA-384 for P-384, SHA-512 for P-521),
 * and optionally a golden-value policy and clock requirements. Immutable; build with
 * {@link #builder(PublicKey, byte[], PcrSelection)}.
 */
public final class Expectations {
    private final PublicKey ak;
    private final byte[] nonce;
    private final PcrSelection pcrs;
    private final HashAlg hash;
    private final PcrPolicy policy;
    private final boolean requireSafeClock;
    private final ClockRecord lastSeen;
    private final int plainRsaScheme;

    private Expectations(Builder b) {
        this.ak = b.ak;
        this.nonce = b.nonce.clone();
        this.pcrs = b.pcrs;
        this.hash = b.hash != null ? b.hash : defaultHash(b.ak);
        this.policy = b.policy;
        this.requireSafeClock = b.requireSafeClock;
        this.lastSeen = b.lastSeen;
        this.plainRsaScheme = b.plainRsaScheme;
    }

    /** The hash that matches the key's strength (what tpm2_createak's defaults give). */
    public static HashAlg defaultHash(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            return EcCurves.of(ec).map(EcCurves.Curve::hash).orElse(HashAlg.SHA256);
        }
        return HashAlg.SHA256;
    }

    /**
     * @param ak the pinned attestation key (EC P-256/P-384/P-521 or RSA)
     * @param nonce the nonce this verifier issued for this quote: 1 to 64 bytes
     * @param pcrs the selection the quote must cover, exactly
     */
    public static Builder builder(PublicKey ak, byte[] nonce, PcrSelection pcrs) {
        return new Builder(ak, nonce, pcrs);
    }

    public PublicKey ak() {
        return ak;
    }

    public byte[] nonce() {
        return nonce.clone();
    }

    byte[] nonceRef() {
        return nonce;
    }

    public PcrSelection pcrs() {
        return pcrs;
    }

    public HashAlg hash() {
        return hash;
    }

    /** Null when no policy. */
    public PcrPolicy policy() {
        return policy;
    }

    public boolean requireSafeClock() {
        return requireSafeClock;
    }

    /** Null when no last-seen record. */
    public ClockRecord lastSeen() {
        return lastSeen;
    }

    public int plainRsaScheme() {
        return plainRsaScheme;
    }

    /** Builder; all setters optional. */
    public static final class Builder {
        private final PublicKey ak;
        private final byte[] nonce;
        private final PcrSelection pcrs;
        private HashAlg hash;
        private PcrPolicy policy;
        private boolean requireSafeClock;
        private ClockRecord lastSeen;
        private int plainRsaScheme = Tpm2.TPM_ALG_RSASSA;

        private Builder(PublicKey ak, byte[] nonce, PcrSelection pcrs) {
            this.ak = Objects.requireNonNull(ak, "ak");
            this.nonce = Objects.requireNonNull(nonce, "nonce");
            this.pcrs = Objects.requireNonNull(pcrs, "pcrs");
            if (nonce.length == 0 || nonce.length > Tpm2.MAX_DATA_BYTES) {
                throw new IllegalArgumentException(
                        "nonce must be 1 to " + Tpm2.MAX_DATA_BYTES + " bytes, not " + nonce.length);
            }
            if (!(ak instanceof ECPublicKey) && !(ak instanceof RSAPublicKey)) {
                throw new IllegalArgumentException("AK must be an EC or RSA public key, not " + ak.getAlgorithm());
            }
            if (ak instanceof ECPublicKey ec && EcCurves.of(ec).isEmpty()) {
                throw new IllegalArgumentException("EC AK must be on P-256, P-384 or P-521");
            }
        }

        /** The signature (and PCR digest) hash; SHA-1 is allowed only when asked for explicitly. */
        public Builder hash(HashAlg h) {
            this.hash = h;
            return this;
        }

        public Builder policy(PcrPolicy p) {
            this.policy = p;
            return this;
        }

        /** Reject quotes whose clockInfo.safe is false (the TPM clock may have gone backwards). */
        public Builder requireSafeClock(boolean b) {
            this.requireSafeClock = b;
            return this;
        }

        /** Reject quotes whose boot counters are older than this record. */
        public Builder lastSeen(ClockRecord r) {
            this.lastSeen = r;
            return this;
        }

        /** How to read a raw (plain) RSA signature: TPM_ALG_RSASSA (default) or TPM_ALG_RSAPSS. */
        public Builder plainRsaScheme(int scheme) {
            if (scheme != Tpm2.TPM_ALG_RSASSA && scheme != Tpm2.TPM_ALG_RSAPSS) {
                throw new IllegalArgumentException(
                        "plain RSA scheme must be RSASSA or RSAPSS, not " + TpmtSignature.schemeName(scheme));
            }
            this.plainRsaScheme = scheme;
            return this;
        }

        public Expectations build() {
            return new Expectations(this);
        }
    }
}
