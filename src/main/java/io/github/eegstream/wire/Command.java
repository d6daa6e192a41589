package io.github.eegstream.wire;

import java.util.Map;

/**
 * A command to a relay, on {@code user:{id}:commands}: {@code pause}, {@code resume},
 * {@code stop}, or {@code set} with {@code args} (see docs/wire-format.md).
 */
public record Command(String command, Map<String, Object> args, String source, Double timestamp)
        implements WireMessage {

    public static final String TYPE = "command";

    public Command {
        if (command == null || command.isBlank()) {
            throw new WireException(RejectReason.MISSING_FIELD, "a command needs 'command'");
        }
        args = args == null ? Map.of() : args;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
