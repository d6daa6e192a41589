package io.github.eegstream.record;

import io.github.eegstream.recording.XdfRecording;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Recovers a session after the fact from a user's durable stream ({@code user:{id}:raw}, as
 * {@code relay --durable} appends it), even if no recorder ran: the entries between two times,
 * in pages of {@value #PAGE}, into an XDF or BDF+ file. Times select entries by their ids (when
 * the relay made them), not by sample time. Entries that do not decode are counted and skipped.
 */
public final class StreamExport {

    /** Entries per XRANGE: a page of large messages (up to the source's 1 MiB) stays around 100 MB at most. */
    private static final int PAGE = 100;

    /** What an export found. */
    public record Summary(long entries, long samples, long skipped, Double first, Double last) {}

    private StreamExport() {}

    /**
     * @param fromMillis the first entry time to export (epoch ms of its id), or null for the oldest
     * @param toMillis the last, or null for the newest
     */
    public static Summary export(RedisEndpoint endpoint, String user, Long fromMillis, Long toMillis, Path out)
            throws IOException {
        boolean xdf = Recorder.isXdf(out);
        byte[] key = Channel.of(user, ChannelKind.RAW).name().getBytes(StandardCharsets.UTF_8);
        WireCodec codec = new WireCodec();
        RedisClient client = endpoint.createClient("eegstream-export");
        long entries = 0;
        long samples = 0;
        long skipped = 0;
        Double first = null;
        Double last = null;
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            if (c.sync().exists(key) == 0) {
                throw new IllegalArgumentException("no stream " + new String(key, StandardCharsets.UTF_8)
                        + " at " + endpoint + ": was the relay run with --durable, and within its --retention-seconds?");
            }
            // Written beside the target and renamed when complete: a failed export leaves no file that looks whole.
            Path partial = out.resolveSibling(out.getFileName() + ".partial");
            try (AutoCloseable file = xdf ? new XdfRecording(partial) : new UserRecording(partial, user, 0)) {
            String from = fromMillis == null ? "-" : fromMillis + "-0";
            String to = toMillis == null ? "+" : Long.toString(toMillis); // every entry of that millisecond
            while (true) {
                List<StreamMessage<byte[], byte[]>> page = c.sync().xrange(key, Range.create(from, to), Limit.from(PAGE));
                for (StreamMessage<byte[], byte[]> m : page) {
                    entries++;
                    // byte[] keys compare by identity: find the field by its content
                    byte[] data = m.getBody().entrySet().stream().filter(e -> new String(e.getKey(), StandardCharsets.UTF_8)
                            .equals(Channel.STREAM_FIELD)).map(java.util.Map.Entry::getValue).findFirst().orElse(null);
                    RawSamples s;
                    try {
                        s = codec.decodeRaw(data);
                    } catch (RuntimeException e) {
                        skipped++;
                        continue;
                    }
                    if (file instanceof XdfRecording x) {
                        x.add(user, s);
                    } else {
                        ((UserRecording) file).add(s);
                    }
                    samples += s.timestamps().length;
                    if (s.timestamps().length > 0) {
                        first = first == null ? s.timestamps()[0] : first;
                        last = s.timestamps()[s.timestamps().length - 1];
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
                from = "(" + page.get(page.size() - 1).getId(); // exclusive: after the last one read
            }
            }
            java.nio.file.Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("could not close " + out + ": " + e.getMessage(), e);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        return new Summary(entries, samples, skipped, first, last);
    }
}
