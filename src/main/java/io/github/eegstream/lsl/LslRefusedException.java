package io.github.eegstream.lsl;

import java.io.IOException;

/** The outlet answered a stream feed request with an error status (404: another stream now, 505: version). */
public final class LslRefusedException extends IOException {

    private final int status;

    public LslRefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
