package io.github.eegstream.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A channel's kind from its suffix: exact or in any case, and a clear error otherwise. */
class ChannelKindTest {

    @Test
    void aSuffixNamesItsKindInAnyCase() {
        for (ChannelKind kind : ChannelKind.values()) {
            String suffix = kind.name().toLowerCase(java.util.Locale.ROOT);
            assertEquals(kind, ChannelKind.fromSuffix(suffix));
            assertEquals(kind, ChannelKind.fromSuffix(suffix.toUpperCase(java.util.Locale.ROOT)));
        }
        assertEquals(ChannelKind.RAW, ChannelKind.fromSuffix("Raw"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChannelKind.fromSuffix("rawx"));
        assertEquals(true, e.getMessage().contains("unknown channel kind 'rawx'"));
        assertThrows(IllegalArgumentException.class, () -> ChannelKind.fromSuffix(null));
    }
}
