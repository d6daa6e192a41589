package io.github.eegstream.wire;

/** A message that cannot be accepted, with the reason it is counted under. */
public final class WireException extends RuntimeException {

    private final RejectReason reason;

    public WireException(RejectReason reason, String message) {
        super(message, null, false, false); // thrown per bad message: no stack trace to fill
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
