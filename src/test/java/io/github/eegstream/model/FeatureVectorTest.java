package io.github.eegstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.eegstream.dsp.Band;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The feature names, built once per channel layout, are the names; the cache of them stays small whatever the senders send. */
class FeatureVectorTest {

    private static final List<Band> BANDS = List.of(new Band("alpha", 8, 13), new Band("beta", 13, 30));

    @Test
    void theNamesOfALayoutAreBuiltOnceAndAreTheDocumentedOnes() {
        FeatureVector.Names names = new FeatureVector.Names();
        String[][] first = names.of(BANDS, new String[] {"Fp1", "Fp2"});
        assertArrayEquals(new String[] {"abs_alpha_mean", "rel_alpha_mean", "abs_alpha_Fp1", "rel_alpha_Fp1", "abs_alpha_Fp2",
                "rel_alpha_Fp2"}, first[0]);
        assertEquals("rel_beta_Fp2", first[1][5]);
        assertSame(first, names.of(BANDS, new String[] {"Fp1", "Fp2"}), "an equal layout in another array: the same names");
        assertEquals("abs_alpha_Cz", names.of(BANDS, new String[] {"Cz"})[0][2], "another layout: its own names");
        assertEquals("abs_theta_Fp1", names.of(List.of(new Band("theta", 4, 8)), new String[] {"Fp1"})[0][2],
                "other bands: their own names");
    }

    @Test
    void manyLayoutsOrHugeNamesDoNotGrowTheCache() {
        FeatureVector.Names names = new FeatureVector.Names();
        for (int i = 0; i < 10 * FeatureVector.Names.LAYOUTS; i++) {
            assertEquals("abs_alpha_ch" + i, names.of(BANDS, new String[] {"ch" + i})[0][2]);
        }
        assertEquals(FeatureVector.Names.LAYOUTS, names.cached(), "the layouts used last only");
        FeatureVector.Names fresh = new FeatureVector.Names();
        String huge = "x".repeat(FeatureVector.Names.MAX_CHARS + 1);
        assertEquals("rel_beta_" + huge, fresh.of(BANDS, new String[] {huge})[1][3], "built all the same");
        assertEquals(0, fresh.cached(), "but not kept");
        String[] many = new String[FeatureVector.Names.MAX_LAYOUT_CHANNELS + 1];
        java.util.Arrays.fill(many, "");
        assertEquals("abs_alpha_", fresh.of(BANDS, many)[0][2], "short names, but too many of them");
        assertEquals(0, fresh.cached(), "not kept either");
    }
}
