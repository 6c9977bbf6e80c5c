package dev.psk.it.examples;

import java.util.List;

/**
 * One example command line from a help footer or a documentation code block.
 *
 * @param source where it is written: {@code README.md:54} or {@code psk-keygen generate --help}
 * @param scenario examples of one scenario run in order, in one directory (one document, or one
 *     tool's help)
 * @param words the command split as a shell would, the tool's name first ({@code bin/} and
 *     {@code sudo} dropped)
 */
record Example(String source, String scenario, List<String> words) {
    String tool() {
        return words.getFirst();
    }

    List<String> args() {
        return words.subList(1, words.size());
    }

    /** The tool and its subcommands, e.g. {@code psk-provision hub add-client}. */
    String command(java.util.Set<String> subcommandNames) {
        StringBuilder b = new StringBuilder(tool());
        for (String w : args()) {
            if (!subcommandNames.contains(w)) {
                break;
            }
            b.append(' ').append(w);
        }
        return b.toString();
    }

    boolean has(String word) {
        return words.contains(word);
    }

    @Override
    public String toString() {
        return source + ": " + String.join(" ", words);
    }
}
