package io.github.eegstream.cli;

import io.github.eegstream.record.StreamExport;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eeg export}: a user's durable stream to an XDF or BDF+ file, after the fact. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes a user's durable Redis Stream (relay --durable) to an XDF or BDF+ file: a session recovered even if no recorder ran.",
            "--from and --to are epoch seconds of the entries (when the relay appended them); default: all that the stream still holds."})
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--user", required = true, paramLabel = "ID", description = "The user whose stream to export.")
    String user;

    @Option(names = "--from", paramLabel = "T", description = "From this time (epoch seconds).")
    Double from;

    @Option(names = "--to", paramLabel = "T", description = "Up to this time (epoch seconds).")
    Double to;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file: .xdf or .bdf.")
    Path out;

    @Mixin
    RedisOption redis;

    @Override
    public Integer call() throws Exception {
        if ((from != null && !(from >= 0)) || (to != null && !(to >= 0)) || (from != null && to != null && to < from)) {
            throw new IllegalArgumentException("--from and --to must be epoch seconds, --from not after --to");
        }
        StreamExport.Summary s = StreamExport.export(redis.endpoint(), user, from == null ? null : Math.round(from * 1000),
                to == null ? null : Math.round(to * 1000), out);
        Screen.println(String.format(Locale.ROOT, "export: %d entries, %d samples%s to %s%s", s.entries(), s.samples(),
                s.first() == null ? "" : String.format(Locale.ROOT, " (%.3f to %.3f)", s.first(), s.last()), out,
                s.skipped() == 0 ? "" : "; " + s.skipped() + " entries that did not decode skipped"));
        return 0;
    }
}
