package dev.psk.identity;

import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;

/** Line parser for {@link PinnedPeers}: every error names the entry and the line. */
final class PinnedPeersParser {
    private PinnedPeersParser() {}

    private static final class Entry {
        final String name;
        final int line;
        String id;
        Boolean enabled;
        StringBuilder pem;
        boolean pemDone;
        int pemLine;

        Entry(String name, int line) {
            this.name = name;
            this.line = line;
        }

        IdentityException error(int at, String what) {
            return new IdentityException("entry '" + name + "' (line " + at + "): " + what);
        }
    }

    static PinnedPeers parse(String text) throws IdentityException {
        List<Entry> entries = new ArrayList<>();
        Entry cur = null;
        String[] lines = text.split("\r?\n", -1);
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1].strip();
            if (cur != null && cur.pem != null && !cur.pemDone) {
                cur.pem.append(line).append('\n');
                if (line.equals(Pem.END)) {
                    cur.pemDone = true;
                } else if (line.startsWith("[")) {
                    throw cur.error(cur.pemLine, "PEM block not closed by \"" + Pem.END + "\"");
                }
                continue;
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.startsWith("[peer ") || !line.endsWith("]")) {
                    throw new IdentityException("line " + n + ": expected \"[peer NAME]\"");
                }
                String name =
                        line.substring("[peer ".length(), line.length() - 1).strip();
                if (!PinnedPeer.NAME.matcher(name).matches()) {
                    throw new IdentityException("line " + n + ": peer name \"" + name
                            + "\": expected 1-64 letters, digits, '.', '_' or '-'");
                }
                for (Entry e : entries) {
                    if (e.name.equals(name)) {
                        throw new IdentityException(
                                "entry '" + name + "' (line " + n + "): name already used at line " + e.line);
                    }
                }
                cur = new Entry(name, n);
                entries.add(cur);
                continue;
            }
            if (cur == null) {
                throw new IdentityException("line " + n + ": expected \"[peer NAME]\" before any setting");
            }
            if (line.equals(Pem.BEGIN)) {
                if (cur.pem != null) {
                    throw cur.error(n, "more than one public key");
                }
                cur.pem = new StringBuilder(line).append('\n');
                cur.pemLine = n;
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw cur.error(n, "expected \"key = value\" (identity_id, enabled) or a PEM public key");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            switch (key) {
                case "identity_id" -> {
                    if (cur.id != null) {
                        throw cur.error(n, "identity_id given twice");
                    }
                    cur.id = value;
                }
                case "enabled" -> {
                    if (cur.enabled != null) {
                        throw cur.error(n, "enabled given twice");
                    }
                    if (!value.equals("true") && !value.equals("false")) {
                        throw cur.error(n, "enabled = \"" + value + "\": expected true or false");
                    }
                    cur.enabled = Boolean.valueOf(value);
                }
                default -> throw cur.error(n, "unknown setting \"" + key + "\" (expected identity_id or enabled)");
            }
        }
        if (cur != null && cur.pem != null && !cur.pemDone) {
            throw cur.error(cur.pemLine, "PEM block not closed by \"" + Pem.END + "\"");
        }
        List<PinnedPeer> peers = new ArrayList<>();
        for (Entry e : entries) {
            if (e.id == null) {
                throw e.error(e.line, "missing identity_id");
            }
            if (e.pem == null) {
                throw e.error(e.line, "missing public key (a PEM \"" + Pem.BEGIN + "\" block)");
            }
            IdentityId id;
            ECPublicKey key;
            try {
                id = IdentityId.parse(e.id);
                key = Pem.decode(e.pem.toString());
            } catch (IdentityException ex) {
                throw e.error(e.line, ex.getMessage());
            }
            PinnedPeer p;
            try {
                p = PinnedPeer.create(e.name, id, key, e.enabled == null || e.enabled);
            } catch (IdentityException ex) {
                throw e.error(e.line, ex.getMessage());
            }
            for (PinnedPeer q : peers) {
                if (q.identityId().equals(p.identityId())) {
                    throw e.error(e.line, "identity_id " + p.identityId() + " is already pinned as '" + q.name() + "'");
                }
            }
            peers.add(p);
        }
        return PinnedPeers.of(peers);
    }
}
