package io.github.eegstream.cli;

import io.github.eegstream.record.Recorder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eeg record}: users' streams to BDF+ files. */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Records users' EEG, predictions, features and alerts to BDF+ files.",
            "One file per user, which MNE, EEGLAB and EDFbrowser open directly. Ctrl-C closes the files cleanly; a crash loses at most the last second.",
            "Replay a recording with: eeg relay --user ID --source file FILE.bdf [--speed X]"})
final class RecordCommand implements Callable<Integer> {

    @Option(names = "--user", required = true, paramLabel = "ID", description = "A user to record; repeat for more.")
    List<String> users;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "The file (.bdf). With several users, {user} in the name is replaced, else each user's id is added before the extension.")
    Path out;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "HZ",
            description = "Record at this rate (a whole number of Hz); default: the stream's own.")
    double rate;

    @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds (default: until Ctrl-C).")
    Double duration;

    @Mixin
    RedisOption redis;

    @Override
    public Integer call() throws Exception {
        if (!out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".bdf")) {
            throw new IllegalArgumentException("--out must name a .bdf file, was " + out);
        }
        if (rate < 0 || (duration != null && !(duration > 0))) {
            throw new IllegalArgumentException("--rate and --duration must be positive");
        }
        Map<String, Path> files = Recorder.files(out, users);
        CountDownLatch stop = new CountDownLatch(1);
        Recorder recorder = new Recorder(redis.endpoint(), files, rate, Screen::println);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                recorder.close();
            } catch (java.io.IOException e) {
                System.err.println("record: " + e.getMessage());
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        files.forEach((user, file) -> Screen.println("record: user:" + user + ":* to " + file));
        Screen.println("record: recording; Ctrl-C stops and closes the files");
        boolean timedOut = duration == null ? waitForever(stop) : !stop.await(Math.round(duration * 1000), TimeUnit.MILLISECONDS);
        if (timedOut) {
            Runtime.getRuntime().removeShutdownHook(hook);
            recorder.close();
        }
        return recorder.failure() == null ? 0 : 1;
    }

    private static boolean waitForever(CountDownLatch stop) throws InterruptedException {
        stop.await();
        return false;
    }
}
