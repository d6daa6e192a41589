package io.github.eegstream.connector.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SampledLogTest {

    @Test
    void theFirstTenThenEveryThousandth() {
        List<Long> logged = LongStream.rangeClosed(1, 3000).filter(SampledLog::shouldLog).boxed().toList();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 1000L, 2000L, 3000L), logged);
        assertEquals(List.of(1L, 100L, 200L),
                LongStream.rangeClosed(1, 250).filter(n -> SampledLog.shouldLog(n, 1, 100)).boxed().toList());
    }
}
