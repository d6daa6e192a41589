package io.github.eegstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eegstream.connector.redis.RedisConnectorMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the job itself counted of what it did not turn into windows, over its whole run (warm-up
 * included), read from its web UI's REST API: the messages its readers dropped and the gaps and
 * samples its windower counted. A bench's loss counts the measured part's windows only; these
 * say whether anything was lost before it, for instance while a cold JVM caught up with the load.
 */
final class JobCounters {

    /** The counters read, summed over every subtask and operator that has them. */
    static final List<String> NAMES = List.of(RedisConnectorMetrics.DROPPED_MESSAGES,
            RedisConnectorMetrics.DROPPED_OVER_CHANNEL_SHARE, RedisConnectorMetrics.DISCONNECTS,
            "sampleGaps", "rateLimitedSamples", "overflowSamples");

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobCounters() {}

    /**
     * The counters once they have stopped changing (the load is over): read until two readings a
     * fetch interval apart agree, at most {@code maxMillis}; the last reading if they never do.
     */
    static Map<String, Long> settled(String webUrl, String jobId, Duration fetchInterval, long maxMillis)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        Map<String, Long> last = read(http, webUrl, jobId);
        while (System.nanoTime() < deadline) {
            Thread.sleep(fetchInterval.toMillis() + 200); // the web UI refreshes its metrics at this interval
            Map<String, Long> now = read(http, webUrl, jobId);
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static Map<String, Long> read(HttpClient http, String webUrl, String jobId) throws IOException, InterruptedException {
        Map<String, Long> sums = new LinkedHashMap<>();
        NAMES.forEach(n -> sums.put(n, 0L));
        for (JsonNode vertex : get(http, webUrl + "/jobs/" + jobId).path("vertices")) {
            String base = webUrl + "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/metrics";
            List<String> wanted = new ArrayList<>();
            for (JsonNode m : get(http, base)) {
                String id = m.path("id").asText();
                if (NAMES.contains(id.substring(id.lastIndexOf('.') + 1))) {
                    wanted.add(URLEncoder.encode(id, StandardCharsets.UTF_8));
                }
            }
            for (int from = 0; from < wanted.size(); from += 20) {
                String query = String.join(",", wanted.subList(from, Math.min(wanted.size(), from + 20)));
                for (JsonNode m : get(http, base + "?get=" + query)) {
                    String id = m.path("id").asText();
                    sums.merge(id.substring(id.lastIndexOf('.') + 1), (long) Double.parseDouble(m.path("value").asText("0")), Long::sum);
                }
            }
        }
        return sums;
    }

    private static JsonNode get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("the job's web UI answered " + r.statusCode() + " to " + url);
        }
        return JSON.readTree(r.body());
    }
}
