package io.github.eegstream.wire;

/** A message on a user's channel. Encode and decode with {@link WireCodec}. */
public sealed interface WireMessage permits RawSamples, Features, Prediction, Command, Alert {

    /** The value of the {@code type} key. */
    String type();
}
