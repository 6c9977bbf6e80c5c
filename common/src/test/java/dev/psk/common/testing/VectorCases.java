package dev.psk.common.testing;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * Turns the cases of a vector file into one JUnit dynamic test each, named by the case's id, so a
 * report names the failing case and a case can be rerun alone with
 * {@code -Dpsk.vector.case=TEXT} (only cases whose name contains TEXT run). An empty file, or a
 * filter that matches nothing, is a failure rather than a silent pass.
 */
public final class VectorCases {
    /** System property: run only the cases whose name contains this text. */
    public static final String CASE_FILTER = "psk.vector.case";

    private VectorCases() {}

    /**
     * @param source what the cases came from (a file), named in the failure when there are none
     * @param name a case's id, e.g. "tcId 17" or "must_reject[2] (wrong tag)"
     */
    public static <T> Stream<DynamicTest> of(
            Object source, List<T> cases, Function<T, String> name, ThrowingConsumer<T> check) {
        String only = System.getProperty(CASE_FILTER, "");
        List<DynamicTest> tests = cases.stream()
                .filter(c -> name.apply(c).contains(only))
                .map(c -> DynamicTest.dynamicTest(name.apply(c), () -> check.accept(c)))
                .toList();
        if (tests.isEmpty()) {
            String why = cases.isEmpty()
                    ? "no vector cases in " + source
                    : "no case of " + source + " matches -D" + CASE_FILTER + "=" + only;
            return Stream.of(DynamicTest.dynamicTest("cases present", () -> {
                throw new AssertionError(why);
            }));
        }
        return tests.stream();
    }
}
