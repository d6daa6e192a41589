package io.github.eegstream;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way (docs/design.md, "Packages and their dependencies"): the Redis
 * connector and the wire format depend on nothing else of ours; the relay, the specs, the recording formats, the signal processing
 * and the models, the dashboard, the recorder and the cluster tooling (which run without Flink)
 * never on Flink; and nothing but the command line, the benchmark and the cluster's entry class
 * name knows the job.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.eegstream");

    /** The connector is for any Flink job: only Flink, Lettuce, slf4j and the JDK. */
    @Test
    void connectorDependsOnNothingElseOfOurs() {
        noClasses()
            .that().resideInAPackage("io.github.eegstream.connector..")
            .should().dependOnClassesThat(resideInAPackage("io.github.eegstream..")
                    .and(not(resideInAPackage("io.github.eegstream.connector.."))))
                .check(CLASSES);
    }

    @Test
    void wireDependsOnNothingElseOfOurs() {
        for (String own : new String[] {"wire"}) {
            noClasses()
                .that().resideInAPackage("io.github.eegstream." + own + "..")
                .should().dependOnClassesThat(resideInAPackage("io.github.eegstream..")
                        .and(resideOutsideOfPackage("io.github.eegstream." + own + "..")))
                    .check(CLASSES);
        }
    }

    @Test
    void relayLslSimDspModelSpecAndRecordingNeverUseFlink() {
        noClasses()
            .that().resideInAnyPackage("..eegstream.wire..", "..eegstream.relay..", "..eegstream.redis..",
                    "..eegstream.sim..", "..eegstream.dsp..", "..eegstream.model..", "..eegstream.lsl..",
                    "..eegstream.spec..", "..eegstream.recording..",
                    "..eegstream.dashboard..", "..eegstream.record..", "..eegstream.cluster..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.flink..")
                .check(CLASSES);
    }

    @Test
    void onlyTheJobTheCommandLineAndTheBenchmarkKnowTheJob() {
        noClasses()
            .that().resideInAnyPackage("..eegstream.wire..", "..eegstream.relay..", "..eegstream.dsp..",
                    "..eegstream.model..", "..eegstream.sim..", "..eegstream.lsl..", "..eegstream.redis..",
                    "..eegstream.dashboard..", "..eegstream.record..", "..eegstream.recording..",
                    "..eegstream.spec..", "..eegstream.cluster..")
            .should().dependOnClassesThat().resideInAPackage("..eegstream.job..")
                .check(CLASSES);
    }

    @Test
    void fileFormatsAndSpecsStayBelowWhatUsesThem() {
        // The relay replays recordings but is no recorder; the formats know no reader or writer of Redis.
        noClasses()
            .that().resideInAnyPackage("..eegstream.relay..", "..eegstream.recording..")
            .should().dependOnClassesThat().resideInAnyPackage("..eegstream.record..", "..eegstream.cli..",
                    "..eegstream.dashboard..")
                .check(CLASSES);
        noClasses()
            .that().resideInAPackage("..eegstream.recording..")
            .should().dependOnClassesThat().resideInAnyPackage("..eegstream.redis..", "..eegstream.relay..",
                    "..eegstream.spec..", "..eegstream.model..", "..eegstream.dsp..")
                .check(CLASSES);
        // Specs are read by the job and the command line, never the other way round.
        noClasses()
            .that().resideInAnyPackage("..eegstream.spec..", "..eegstream.dsp..", "..eegstream.model..")
            .should().dependOnClassesThat().resideInAnyPackage("..eegstream.cli..", "..eegstream.relay..",
                    "..eegstream.record..", "..eegstream.dashboard..", "..eegstream.bench..")
                .check(CLASSES);
    }
}
