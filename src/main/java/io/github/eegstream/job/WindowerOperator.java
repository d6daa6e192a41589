package io.github.eegstream.job;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs the {@link SampleWindower}, whose timers expire its users, and once gives every user of
 * state from before that a timer. Such state was written when Flink's state TTL expired users,
 * and a stalled user had no timer then: without this, a user never heard from again would be
 * kept for ever. The pass over the users runs once, on the first restore of such state; the
 * operator's state then says it ran ({@link #MARKER}), so that later restores, failovers
 * included, do not read every user again.
 */
final class WindowerOperator extends KeyedProcessOperator<String, UserSamples, SampleWindow> {

    private static final long serialVersionUID = 1L;
    /** In every subtask's operator state (a union list, so that any parallelism sees it): the pass is not needed. */
    static final String MARKER = "user-expiry-timers";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WindowerOperator.class);

    private transient boolean needsPass;
    /** Users the pass read, or -1 if there was none (for the log, and for tests). */
    private transient long passed = -1;

    WindowerOperator(SampleWindower windower) {
        super(windower);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        ListState<Integer> marker = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(MARKER, Integer.class));
        needsPass = context.isRestored() && !marker.get().iterator().hasNext();
        marker.update(java.util.List.of(1));
    }

    @Override
    public void open() throws Exception {
        super.open();
        SampleWindower windower = (SampleWindower) getUserFunction();
        // The clock its timers run on, not the wall clock: the two are one in a job, not in a test harness.
        windower.started(getProcessingTimeService().getCurrentProcessingTime());
        if (!needsPass) {
            return;
        }
        // The timer service the operator's own is (one per name), so timers set here are its timers.
        TimerService timers = new SimpleTimerService(
                getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this));
        passed = 0;
        getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                SampleWindower.descriptor(), (user, state) -> {
                    passed++;
                    WindowState st = state.value();
                    if (st != null && windower.restored(st, timers)) {
                        state.update(st);
                    }
                });
        LOG.info("Restored state from before the users' expiry timers: {} users read, each with its timer now", passed);
    }

    /** Users the restore pass read; -1 if it did not run. */
    long passedUsers() {
        return passed;
    }
}
