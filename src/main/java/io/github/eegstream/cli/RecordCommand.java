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

/** {@code eeg record}: users' streams to BDF+ files, or to one XDF file. */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Records users' EEG, predictions, features and alerts to BDF+ files, or to one XDF file.",
            "BDF+: one file per user, which MNE, EEGLAB and EDFbrowser open directly. XDF (--out x.xdf): one file for all users, a stream per user and kind, as LabRecorder writes (pyxdf, libxdf, EEGLAB, MNE via pyxdf).",
            "Ctrl-C closes the files cleanly; a crash loses at most the last seconds.",
            "Replay a recording with: eeg relay --user ID --source file FILE.bdf [--speed X]"})
final class RecordCommand implements Callable<Integer> {

    @Option(names = "--user", required = true, paramLabel = "ID", description = "A user to record; repeat for more.")
    List<String> users;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "The file, .bdf or .xdf. BDF with several users: {user} in the name is replaced, else each user's id is added before the extension.")
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
        boolean xdf = Recorder.isXdf(out);
        if (rate < 0 || (duration != null && !(duration > 0))) {
            throw new IllegalArgumentException("--rate and --duration must be positive");
        }
        if (xdf && rate != 0) {
            throw new IllegalArgumentException("--rate is for BDF: XDF keeps each stream at its own rate");
        }
        Map<String, Path> files = xdf ? new java.util.LinkedHashMap<>() : Recorder.files(out, users);
        if (xdf) {
            users.forEach(u -> files.put(u, out));
        }
        CountDownLatch stop = new CountDownLatch(1);
        Recorder recorder = xdf ? new Recorder(redis.endpoint(), out, users, Screen::println)
                : new Recorder(redis.endpoint(), files, rate, Screen::println);
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
