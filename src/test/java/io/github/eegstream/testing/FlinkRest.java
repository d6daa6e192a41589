package io.github.eegstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.flink.client.program.ClusterClient;

/** Flink's REST API, as a user checks a job in the web UI: checkpoints restored, metrics. */
public final class FlinkRest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private FlinkRest() {}

    /** GET {@code path} (e.g. {@code /jobs/<id>/checkpoints}) as JSON. */
    public static JsonNode get(ClusterClient<?> cluster, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.getWebInterfaceURL() + path)).build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }
}
