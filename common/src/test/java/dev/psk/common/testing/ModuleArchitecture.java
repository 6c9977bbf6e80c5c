package dev.psk.common.testing;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rules every module's {@code ArchitectureTest} checks (docs/architecture.md, "Layers"): no
 * package cycle and no production call to a {@code *ForTesting} method. A module's test extends
 * this (or {@link LayeredModuleArchitecture}, which adds the layer order) and names only its root
 * package; a module-specific rule is an extra {@code @Test} that checks {@link #classes()}.
 *
 * <p>One instance per test class, so the module's classes are imported once, not once per rule.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ModuleArchitecture {
    private final String rootPackage;
    private final JavaClasses classes;

    /**
     * @param rootPackage the module's root package, e.g. {@code dev.psk.tunnel}; its main classes and
     *     those of its subpackages are checked, and its parent package is where slices for the cycle
     *     rule are cut, so the root package is a slice of its own
     */
    protected ModuleArchitecture(String rootPackage) {
        this.rootPackage = rootPackage;
        this.classes = Architecture.mainClasses(rootPackage);
    }

    /** The module's main (non-test) classes, for a module-specific rule. */
    protected final JavaClasses classes() {
        return classes;
    }

    @Test
    void noPackageCycles() {
        String parent = rootPackage.substring(0, rootPackage.lastIndexOf('.'));
        Architecture.noPackageCycles(parent).check(classes);
    }

    @Test
    void mainCodeCallsNoTestHook() {
        Architecture.noTestHooksCalledFromMainCode().check(classes);
    }
}
