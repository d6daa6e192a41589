package io.github.eegstream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Dependencies point one way: the wire format depends on nothing of ours; the relay never on Flink. */
@AnalyzeClasses(packages = "io.github.eegstream", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule wireDependsOnNothingOfOurs = noClasses()
            .that().resideInAPackage("..eegstream.wire..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "..eegstream.relay..", "..eegstream.job..", "..eegstream.redis..", "..eegstream.dsp..",
                    "..eegstream.model..", "..eegstream.cli..", "..eegstream.sim..");

    @ArchTest
    static final ArchRule relayAndWireNeverUseFlink = noClasses()
            .that().resideInAnyPackage("..eegstream.wire..", "..eegstream.relay..", "..eegstream.redis..",
                    "..eegstream.sim..", "..eegstream.dsp..", "..eegstream.model..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.flink..");

    @ArchTest
    static final ArchRule onlyTheJobKnowsTheJob = noClasses()
            .that().resideInAnyPackage("..eegstream.wire..", "..eegstream.relay..", "..eegstream.dsp..",
                    "..eegstream.model..", "..eegstream.sim..", "..eegstream.redis..")
            .should().dependOnClassesThat().resideInAPackage("..eegstream.job..");
}
