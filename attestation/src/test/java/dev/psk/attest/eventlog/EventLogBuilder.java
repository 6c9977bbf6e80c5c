package dev.psk.attest.eventlog;

import dev.psk.attest.tpm.HashAlg;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes synthetic TCG PC Client crypto-agile event logs (Spec ID Event03 header and
 * TCG_PCR_EVENT2 records, little-endian) for tests: the digests extended are H(event data).
 */
public final class EventLogBuilder {
    private final List<HashAlg> banks;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public EventLogBuilder(List<HashAlg> banks) {
        this.banks = banks;
        ByteArrayOutputStream spec = new ByteArrayOutputStream();
        spec.writeBytes("Spec ID Event03\0".getBytes(StandardCharsets.US_ASCII));
        le32(spec, 0); // platformClass
        spec.write(0); // specVersionMinor
        spec.write(2); // specVersionMajor
        spec.write(0); // errata
        spec.write(2); // uintnSize
        le32(spec, banks.size());
        for (HashAlg h : banks) {
            le16(spec, h.id());
            le16(spec, h.digestBytes());
        }
        spec.write(0); // vendorInfoSize
        le32(out, 0);
        le32(out, EventLog.EV_NO_ACTION);
        out.writeBytes(new byte[20]);
        le32(out, spec.size());
        out.writeBytes(spec.toByteArray());
    }

    /** An EV_NO_ACTION StartupLocality event setting PCR 0's start to {@code locality}. */
    public EventLogBuilder startupLocality(int locality) {
        byte[] data = new byte[17];
        System.arraycopy("StartupLocality\0".getBytes(StandardCharsets.US_ASCII), 0, data, 0, 16);
        data[16] = (byte) locality;
        return raw(0, EventLog.EV_NO_ACTION, data, false);
    }

    /** An event of type {@code type} extending H(data) into {@code pcr} in every bank. */
    public EventLogBuilder event(int pcr, int type, byte[] data) {
        return raw(pcr, type, data, false);
    }

    private EventLogBuilder raw(int pcr, int type, byte[] data, boolean zeroDigests) {
        le32(out, pcr);
        le32(out, type);
        le32(out, banks.size());
        for (HashAlg h : banks) {
            le16(out, h.id());
            out.writeBytes(type == EventLog.EV_NO_ACTION || zeroDigests ? new byte[h.digestBytes()] : h.hash(data));
        }
        le32(out, data.length);
        out.writeBytes(data);
        return this;
    }

    /** The digest this builder extends for {@code data} in bank {@code h}. */
    public static byte[] digest(HashAlg h, byte[] data) {
        return h.hash(data);
    }

    public byte[] build() {
        return out.toByteArray();
    }

    static void le16(ByteArrayOutputStream o, int v) {
        o.write(v);
        o.write(v >>> 8);
    }

    static void le32(ByteArrayOutputStream o, int v) {
        for (int i = 0; i < 4; i++) {
            o.write(v >>> (8 * i));
        }
    }
}
