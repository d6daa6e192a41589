package io.github.eegstream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way: the wire format depends on nothing of ours; the relay, the
 * dashboard, the recorder and the cluster tooling (which run without Flink) never on Flink or the job.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.eegstream");

    @Test
    void wireDependsOnNothingOfOurs() {
        noClasses()
            .that().resideInAPackage("..eegstream.wire..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "..eegstream.relay..", "..eegstream.job..", "..eegstream.redis..", "..eegstream.dsp..",
                    "..eegstream.model..", "..eegstream.cli..", "..eegstream.sim..", "..eegstream.dashboard..",
                    "..eegstream.record..", "..eegstream.bench..")
                .check(CLASSES);
    }

    @Test
    void relayLslAndWireNeverUseFlink() {
        noClasses()
            .that().resideInAnyPackage("..eegstream.wire..", "..eegstream.relay..", "..eegstream.redis..",
                    "..eegstream.sim..", "..eegstream.dsp..", "..eegstream.model..", "..eegstream.lsl..",
                    "..eegstream.dashboard..", "..eegstream.record..", "..eegstream.cluster..", "..eegstream.spec..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.flink..")
                .check(CLASSES);
    }

    @Test
    void onlyTheJobAndTheCommandLineKnowTheJob() {
        noClasses()
            .that().resideInAnyPackage("..eegstream.wire..", "..eegstream.relay..", "..eegstream.dsp..",
                    "..eegstream.model..", "..eegstream.sim..", "..eegstream.redis..", "..eegstream.dashboard..",
                    "..eegstream.record..", "..eegstream.cluster..", "..eegstream.spec..")
            .should().dependOnClassesThat().resideInAPackage("..eegstream.job..")
                .check(CLASSES);
    }
}
