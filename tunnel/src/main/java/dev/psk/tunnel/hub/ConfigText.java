package dev.psk.tunnel.hub;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON text of a configuration file, read once as tokens before it becomes a tree: every
 * member's line is remembered (so that a validation error can say where), a member that appears
 * twice in one object is refused (JSON parsers would silently keep the last one, and a second
 * {@code Enabled} or {@code ClientPSK} further down a long file is easy to miss), and a syntax
 * error is reported as line, column and what was found, never in the parser's own words (which
 * quote parser internals and, at worst, file content).
 *
 * <p>Thread-safety: immutable after {@link #parse}.
 */
final class ConfigText {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    final JsonNode root;
    private final Map<String, Integer> lines;

    private ConfigText(JsonNode root, Map<String, Integer> lines) {
        this.root = root;
        this.lines = lines;
    }

    /**
     * @throws ConfigException on a syntax error, a duplicate member, or a top level that is not an object
     */
    static ConfigText parse(String json, String source) throws ConfigException {
        Map<String, Integer> lines = new HashMap<>();
        Deque<Set<String>> members = new ArrayDeque<>();
        try (JsonParser p = MAPPER.createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT -> {
                        members.push(new HashSet<>());
                        lines.putIfAbsent(
                                p.streamReadContext().pathAsPointer().toString(),
                                p.currentTokenLocation().getLineNr());
                    }
                    case END_OBJECT -> members.pop();
                    case PROPERTY_NAME -> {
                        String name = p.currentName();
                        int line = p.currentTokenLocation().getLineNr();
                        String pointer = p.streamReadContext().pathAsPointer().toString();
                        if (!members.peek().add(name)) {
                            throw new ConfigException(source + ": line " + line + ": " + readable(pointer)
                                    + ": member \"" + name + "\" appears twice in the same object (line "
                                    + lines.get(pointer) + " and line " + line + "): expected each member once");
                        }
                        lines.put(pointer, line);
                    }
                    default -> {}
                }
            }
        } catch (JacksonException e) {
            throw syntax(e, json, source);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw syntax(e, json, source);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": expected a JSON object ({ ... }) at the top level");
        }
        return new ConfigText(root, lines);
    }

    /** The line of the member at {@code pointer} ("/AllowedClients/0/ClientPSK"), or of its nearest enclosing member; 0 if unknown. */
    int line(String pointer) {
        String p = pointer;
        while (true) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
            int slash = p.lastIndexOf('/');
            if (slash < 0) {
                return 0;
            }
            p = p.substring(0, slash);
        }
    }

    /** "/AllowedClients/0/Name" as AllowedClients[0].Name. */
    static String readable(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(part).append(']');
            } else {
                sb.append(sb.isEmpty() ? "" : ".")
                        .append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return sb.isEmpty() ? "top level" : sb.toString();
    }

    private static ConfigException syntax(JacksonException e, String json, String source) {
        TokenStreamLocation loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        int column = loc == null ? 0 : loc.getColumnNr();
        String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String what;
        if (msg.contains("end-of-input")) {
            what = "the text ends before the JSON value is complete (a missing '}', ']' or '\"'?)";
        } else {
            what = "unexpected " + found(json, line, column) + " (expected a value, ',', ':' or a closing bracket)";
        }
        return new ConfigException(source + ": line " + line + ", column " + column + ": not valid JSON: " + what);
    }

    /**
     * The character at a position, named only when it is punctuation: letters and digits may be
     * part of a key or a PSK, and an error message must not carry any of it.
     */
    private static String found(String json, int line, int column) {
        String[] all = json.split("\n", -1);
        if (line < 1 || line > all.length || column < 1 || column > all[line - 1].length()) {
            return "text";
        }
        char c = all[line - 1].charAt(column - 1);
        if ("{}[]:,\"'=;/#".indexOf(c) >= 0) {
            return "'" + c + "'";
        }
        return "text";
    }
}
