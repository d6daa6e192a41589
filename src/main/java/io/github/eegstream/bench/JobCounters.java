package io.github.eegstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eegstream.connector.redis.RedisConnectorMetrics;
import io.github.eegstream.job.SampleWindower;
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

    /** The counters read, summed over every subtask and operator that has them; a job has those of its source's kind. */
    static final List<String> NAMES = List.of(RedisConnectorMetrics.DROPPED_MESSAGES,
            RedisConnectorMetrics.DROPPED_OVER_CHANNEL_SHARE, RedisConnectorMetrics.DISCONNECTS,
            SampleWindower.SAMPLE_GAPS, SampleWindower.RATE_LIMITED_SAMPLES, SampleWindower.OVERFLOW_SAMPLES);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobCounters.class);

    private JobCounters() {}

    /**
     * The counters once they have stopped changing (the load is over): read until two readings a
     * fetch interval apart agree, at most {@code maxMillis}. Only counters the job was found to
     * have are in it; null if none was found (the web UI had not fetched them yet, or could not
     * be read: the bench's figures stand without them, and say so).
     */
    static Map<String, Long> settled(String webUrl, String jobId, Duration fetchInterval, long maxMillis) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + maxMillis * 1_000_000;
            Map<String, Long> last = read(http, webUrl, jobId); // also asks the web UI to fetch them
            while (System.nanoTime() < deadline) {
                Thread.sleep(fetchInterval.toMillis() + 200); // the web UI refreshes its metrics at this interval
                Map<String, Long> now = read(http, webUrl, jobId);
                if (!now.isEmpty() && now.equals(last)) {
                    return now;
                }
                last = now;
            }
            LOG.warn("The job's counters did not settle within {} ms: not reported", maxMillis);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not read the job's counters from {}: {}", webUrl, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** The counters found, by name, summed; empty if the web UI holds none of them (yet). */
    private static Map<String, Long> read(HttpClient http, String webUrl, String jobId) throws IOException, InterruptedException {
        Map<String, Long> sums = new LinkedHashMap<>();
        for (JsonNode vertex : get(http, webUrl + "/jobs/" + jobId).path("vertices")) {
            String base = webUrl + "/jobs/" + jobId + "/vertices/"
                    + URLEncoder.encode(vertex.path("id").asText(), StandardCharsets.UTF_8) + "/metrics";
            List<String> wanted = new ArrayList<>();
            for (JsonNode m : get(http, base)) {
                String id = m.path("id").asText();
                if (NAMES.contains(name(id))) {
                    wanted.add(URLEncoder.encode(id, StandardCharsets.UTF_8));
                }
            }
            for (int from = 0; from < wanted.size(); from += 20) {
                String query = String.join(",", wanted.subList(from, Math.min(wanted.size(), from + 20)));
                for (JsonNode m : get(http, base + "?get=" + query)) {
                    sums.merge(name(m.path("id").asText()), (long) Double.parseDouble(m.path("value").asText("0")), Long::sum);
                }
            }
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        NAMES.stream().filter(sums::containsKey).forEach(n -> ordered.put(n, sums.get(n)));
        return ordered;
    }

    /** A metric's name without its scope: {@code 0.Source__raw_EEG.droppedMessages} is {@code droppedMessages}. */
    private static String name(String metricId) {
        return metricId.substring(metricId.lastIndexOf('.') + 1);
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
