package io.github.eegstream.relay;

import io.github.eegstream.wire.Command;
import java.util.function.Consumer;

/**
 * Obeys the commands sent to a relay on {@code user:{id}:commands}: {@code pause} and
 * {@code resume} its publishing, {@code stop} it, {@code set} its source's parameters; says on
 * the screen what it did.
 */
final class RelayCommands {

    private final String userId;
    private final SampleSource source;
    private final Consumer<String> screen;
    private final Runnable stop;
    private volatile boolean paused;

    RelayCommands(String userId, SampleSource source, Consumer<String> screen, Runnable stop) {
        this.userId = userId;
        this.source = source;
        this.screen = screen;
        this.stop = stop;
    }

    /** True between a {@code pause} and the next {@code resume}: the relay sends nothing. */
    boolean paused() {
        return paused;
    }

    void obey(Command command) {
        String id = userId;
        switch (command.command()) {
            case "pause" -> {
                paused = true;
                screen.accept("relay " + id + ": paused; send 'resume' to continue");
            }
            case "resume" -> {
                paused = false;
                screen.accept("relay " + id + ": resumed");
            }
            case "stop" -> {
                screen.accept("relay " + id + ": stopping on command");
                stop.run();
            }
            case "set" -> {
                try {
                    screen.accept("relay " + id + ": set " + source.apply(command.args()));
                } catch (IllegalArgumentException e) {
                    screen.accept("relay " + id + ": cannot set: " + e.getMessage());
                }
            }
            default -> screen.accept("relay " + id + ": ignored unknown command '" + command.command()
                    + "' (known: pause, resume, stop, set)");
        }
    }
}
