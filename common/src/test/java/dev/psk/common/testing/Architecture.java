package dev.psk.common.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;

/**
 * The three package-structure rules every module's {@code ArchitectureTest} checks
 * (docs/architecture.md, "Layers"): no cycle between packages, no package importing one from a
 * higher layer, and no production method calling a {@code *ForTesting} method. A module's test
 * applies them by extending {@link ModuleArchitecture} or {@link LayeredModuleArchitecture}.
 */
public final class Architecture {
    private Architecture() {}

    /**
     * One layer: a name for messages and the package identifiers (ArchUnit syntax: {@code a.b}
     * is exactly that package, {@code a.b..} includes its subpackages).
     */
    public record Layer(String name, String... packages) {}

    /** The main (non-test) classes of {@code rootPackage} and its subpackages on the class path. */
    public static JavaClasses mainClasses(String rootPackage) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(rootPackage);
    }

    /**
     * Every package below {@code parent} is a slice (a package and its subpackage are two slices);
     * no cycle between slices. Pass the parent of a module's root package so the root is a slice.
     */
    public static ArchRule noPackageCycles(String parent) {
        return slices().matching(parent + ".(**)")
                .should()
                .beFreeOfCycles()
                .because("a package cycle means neither package can be understood or tested alone");
    }

    /**
     * Each layer may use only the layers listed before it; every class must be in a layer, so a new
     * package is placed deliberately (and docs/architecture.md updated). A layer with no class (a
     * package not there yet or moved away) is allowed.
     */
    public static ArchRule layersLowestFirst(List<Layer> layers) {
        LayeredArchitecture arch = Architectures.layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .ensureAllClassesAreContainedInArchitecture();
        for (Layer l : layers) {
            arch = arch.layer(l.name()).definedBy(l.packages());
        }
        for (int i = 0; i < layers.size(); i++) {
            List<Layer> higher = layers.subList(i + 1, layers.size());
            arch = higher.isEmpty()
                    ? arch.whereLayer(layers.get(i).name()).mayNotBeAccessedByAnyLayer()
                    : arch.whereLayer(layers.get(i).name())
                            .mayOnlyBeAccessedByLayers(
                                    higher.stream().map(Layer::name).toArray(String[]::new));
        }
        return arch.because("a lower layer importing a higher one undoes the layer order of docs/architecture.md");
    }

    /** Methods named {@code *ForTesting} are test hooks: only tests (or another hook) may call them. */
    public static ArchRule noTestHooksCalledFromMainCode() {
        DescribedPredicate<JavaMethodCall> hookCall = DescribedPredicate.describe(
                "a *ForTesting method from a method that is not one",
                call -> call.getTarget().getName().endsWith("ForTesting")
                        && !call.getOrigin().getName().endsWith("ForTesting"));
        return noClasses().should().callMethodWhere(hookCall).because("production code must not depend on a test hook");
    }
}
