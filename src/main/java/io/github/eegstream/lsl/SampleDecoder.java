package io.github.eegstream.lsl;

import java.io.IOException;

/** Reads the samples of a stream feed, one at a time, in its wire encoding. */
interface SampleDecoder {

    /** Tag of a sample that carries its timestamp. */
    int TAG_TRANSMITTED = 2;
    /** Tag of a sample whose timestamp is deduced from the previous one. */
    int TAG_DEDUCED = 1;

    /**
     * The next sample with its raw tag: its timestamp is NaN when deduced.
     *
     * @return null at the end of the stream
     * @throws IOException on a malformed sample or a connection cut within one
     */
    LslSample next() throws IOException;
}
