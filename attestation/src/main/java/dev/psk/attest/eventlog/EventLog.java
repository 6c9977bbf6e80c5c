package dev.psk.attest.eventlog;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TCG PC Client crypto-agile binary event log (TCG PC Client Platform Firmware Profile, rev. 1.05,
 * §10.2): a SHA-1-format first event carrying the "Spec ID Event03" header (TCG_EfiSpecIDEvent,
 * §10.4.5.1) that declares the digest algorithms and sizes, then TCG_PCR_EVENT2 records, all
 * little-endian. This is the format of {@code /sys/kernel/security/tpm0/binary_bios_measurements}
 * and of {@code tpm2_eventlog}'s input. Parsing is strict and bounded; it throws only
 * {@link TpmFormatException}.
 */
public final class EventLog {
    /** EV_NO_ACTION (§10.4.1): informational, never extended into a PCR. */
    public static final int EV_NO_ACTION = 0x00000003;
    /** The header's signature, including its terminating NUL. */
    static final byte[] SPEC_ID_SIGNATURE = "Spec ID Event03\0".getBytes(StandardCharsets.US_ASCII);
    /** EV_NO_ACTION data that sets PCR 0's starting locality (§10.4.5.3). */
    static final byte[] STARTUP_LOCALITY_SIGNATURE = "StartupLocality\0".getBytes(StandardCharsets.US_ASCII);

    static final int SHA1_DIGEST_BYTES = 20;

    /** Largest log accepted (firmware logs are tens of KiB; a kernel's rarely exceeds 1 MiB). */
    public static final int MAX_LOG_BYTES = 16 << 20;
    /** Largest single event's data. */
    public static final int MAX_EVENT_DATA_BYTES = 1 << 20;
    /** Most algorithms a header may declare. */
    static final int MAX_ALGORITHMS = 16;

    /** One TCG_PCR_EVENT2: PCR index, event type, the digest per known bank, the event data. */
    public record Event(int pcrIndex, int eventType, Map<HashAlg, byte[]> digests, byte[] data) {}

    private final Map<Integer, Integer> digestSizes;
    private final List<Event> events;
    private final int startupLocality;

    private EventLog(Map<Integer, Integer> digestSizes, List<Event> events, int startupLocality) {
        this.digestSizes = Collections.unmodifiableMap(digestSizes);
        this.events = Collections.unmodifiableList(events);
        this.startupLocality = startupLocality;
    }

    /** Algorithm id → digest size, as the Spec ID header declares them, in header order. */
    public Map<Integer, Integer> digestSizes() {
        return digestSizes;
    }

    public List<Event> events() {
        return events;
    }

    /** Locality from a StartupLocality event (0 when none): PCR 0 starts as 00..00 || locality. */
    public int startupLocality() {
        return startupLocality;
    }

    public static EventLog parse(byte[] log) throws TpmFormatException {
        if (log.length > MAX_LOG_BYTES) {
            throw new TpmFormatException("event log: " + log.length + " bytes, at most " + MAX_LOG_BYTES);
        }
        TpmReader in = TpmReader.littleEndian(log, "event log");
        Map<Integer, Integer> sizes = header(in);
        List<Event> events = new ArrayList<>();
        int locality = 0;
        while (in.remaining() > 0) {
            int pcr = in.u32("TCG_PCR_EVENT2.pcrIndex");
            int type = in.u32("TCG_PCR_EVENT2.eventType");
            int count = in.u32("TCG_PCR_EVENT2.digests.count");
            if (count < 0 || count > sizes.size()) {
                throw in.error(
                        "TCG_PCR_EVENT2.digests.count",
                        "is " + Integer.toUnsignedString(count) + ", header declares " + sizes.size() + " algorithms");
            }
            Map<HashAlg, byte[]> digests = new EnumMap<>(HashAlg.class);
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int alg = in.u16("TPMT_HA.hashAlg");
                Integer size = sizes.get(alg);
                if (size == null) {
                    throw in.error(
                            "TPMT_HA.hashAlg", String.format("0x%04x is not declared in the Spec ID header", alg));
                }
                if (seen.contains(alg)) {
                    throw in.error("TPMT_HA.hashAlg", String.format("0x%04x appears twice in one event", alg));
                }
                seen.add(alg);
                byte[] d = in.bytes(size, "TPMT_HA.digest");
                HashAlg.fromId(alg).ifPresent(h -> digests.put(h, d));
            }
            int dataSize = in.u32("TCG_PCR_EVENT2.eventSize");
            if (dataSize < 0 || dataSize > MAX_EVENT_DATA_BYTES) {
                throw in.error(
                        "TCG_PCR_EVENT2.eventSize",
                        "is " + Integer.toUnsignedString(dataSize) + ", at most " + MAX_EVENT_DATA_BYTES);
            }
            byte[] data = in.bytes(dataSize, "TCG_PCR_EVENT2.event");
            if (type == EV_NO_ACTION) {
                if (startsWith(data, STARTUP_LOCALITY_SIGNATURE)
                        && data.length == STARTUP_LOCALITY_SIGNATURE.length + 1
                        && pcr == 0) {
                    locality = data[data.length - 1] & 0xff;
                }
            } else if (pcr < 0 || pcr >= Tpm2.PCR_COUNT) {
                throw in.error("TCG_PCR_EVENT2.pcrIndex", "is " + Integer.toUnsignedString(pcr) + ", expected 0-23");
            }
            events.add(new Event(pcr, type, digests, data));
        }
        return new EventLog(sizes, events, locality);
    }

    /** Reads the SHA-1-format first event and its TCG_EfiSpecIDEvent; returns alg id → size. */
    private static Map<Integer, Integer> header(TpmReader in) throws TpmFormatException {
        in.u32("header.pcrIndex");
        int type = in.u32("header.eventType");
        if (type != EV_NO_ACTION) {
            throw in.error(
                    "header.eventType",
                    "is " + Integer.toUnsignedString(type) + ", expected EV_NO_ACTION (3): not a crypto-agile log");
        }
        in.skip(SHA1_DIGEST_BYTES, "header.digest");
        int size = in.u32("header.eventSize");
        if (size < 0 || size > in.remaining()) {
            throw in.error(
                    "header.eventSize", "is " + Integer.toUnsignedString(size) + ", " + in.remaining() + " bytes left");
        }
        int end = in.position() + size;
        byte[] sig = in.bytes(SPEC_ID_SIGNATURE.length, "TCG_EfiSpecIDEvent.signature");
        if (!Arrays.equals(sig, SPEC_ID_SIGNATURE)) {
            throw in.error("TCG_EfiSpecIDEvent.signature", "is not \"Spec ID Event03\"");
        }
        in.u32("TCG_EfiSpecIDEvent.platformClass");
        in.u8("TCG_EfiSpecIDEvent.specVersionMinor");
        int major = in.u8("TCG_EfiSpecIDEvent.specVersionMajor");
        if (major != 2) {
            throw in.error("TCG_EfiSpecIDEvent.specVersionMajor", "is " + major + ", expected 2");
        }
        in.u8("TCG_EfiSpecIDEvent.specErrata");
        in.u8("TCG_EfiSpecIDEvent.uintnSize");
        int n = in.u32("TCG_EfiSpecIDEvent.numberOfAlgorithms");
        if (n <= 0 || n > MAX_ALGORITHMS) {
            throw in.error(
                    "TCG_EfiSpecIDEvent.numberOfAlgorithms",
                    "is " + Integer.toUnsignedString(n) + ", expected 1-" + MAX_ALGORITHMS);
        }
        Map<Integer, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            int alg = in.u16("digestSizes.algorithmId");
            int dsize = in.u16("digestSizes.digestSize");
            var known = HashAlg.fromId(alg);
            if (known.isPresent() && known.get().digestBytes() != dsize) {
                throw in.error(
                        "digestSizes.digestSize",
                        "is " + dsize + " for " + known.get().toolName() + ", expected "
                                + known.get().digestBytes());
            }
            if (dsize == 0 || dsize > Tpm2.MAX_DIGEST_BYTES || sizes.put(alg, dsize) != null) {
                throw in.error("digestSizes", String.format("entry for 0x%04x is repeated or has size %d", alg, dsize));
            }
        }
        int vendor = in.u8("TCG_EfiSpecIDEvent.vendorInfoSize");
        in.skip(vendor, "TCG_EfiSpecIDEvent.vendorInfo");
        if (in.position() != end) {
            throw in.error(
                    "header.eventSize", "says the header ends at " + end + ", its fields end at " + in.position());
        }
        return sizes;
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }
}
