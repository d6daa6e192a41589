package io.github.eegstream.job;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs the {@link SampleWindower}, and after a restore gives every user without a pending timer
 * one, so that each user's state expires. Such users come from state written when Flink's state
 * TTL expired it (a stalled user then had no timer); without this, a user never heard from again
 * would be kept for ever. Once per restore, a pass over the users.
 */
final class WindowerOperator extends KeyedProcessOperator<String, UserSamples, SampleWindow> {

    private static final long serialVersionUID = 1L;

    private transient boolean restored;

    WindowerOperator(SampleWindower windower) {
        super(windower);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (!restored) {
            return;
        }
        SampleWindower windower = (SampleWindower) getUserFunction();
        // The timer service the operator's own is (one per name), so timers set here are its timers.
        TimerService timers = new SimpleTimerService(
                getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this));
        getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                SampleWindower.descriptor(), (user, state) -> {
                    WindowState st = state.value();
                    if (st != null && windower.restored(st, timers)) {
                        state.update(st);
                    }
                });
    }
}
