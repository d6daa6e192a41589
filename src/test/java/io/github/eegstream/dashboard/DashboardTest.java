package io.github.eegstream.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.Publisher;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestPython;
import io.github.eegstream.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real headless Chromium while the job and five relays run: the five users
 * appear without typing their ids, their traces scroll, their predictions update, and a
 * colleague's Python model's predictions show beside the job's, on the page and on the relay.
 * Leaves a screenshot in {@code target/dashboard.png}. Then what anyone on Redis may publish
 * (channel names, sources, prediction values, alert messages made of markup and script) is shown
 * as text and runs nothing, and the page, its API and its events refuse requests without the
 * token, or with a foreign Host or Origin. Chromium, its driver and Python are installed by
 * .ci/run; without them these tests fail, they are not skipped.
 */
class DashboardTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    @SuppressWarnings("unchecked")
    void showsFiveLiveUsersTracesAndPredictionsUpdatingInChromium() throws Exception {
        requireChromium();
        String python = TestPython.withModules("redis", "msgpack", "numpy");
        assertNotNull(python, "python3 with redis, msgpack and numpy (apt-get install python3-redis python3-msgpack python3-numpy)");
        String prefix = TestRedis.uniqueUser("dash");
        List<String> ids = new ArrayList<>();
        List<Relay> relays = new ArrayList<>();
        List<String> screen = new CopyOnWriteArrayList<>();
        ChromeDriver browser = null;
        Process colleague = null;
        try (RunningJob job = RunningJob.start("default");
                Dashboard dashboard = new Dashboard(TestRedis.endpoint(), "127.0.0.1", 0)) {
            for (int i = 0; i < 5; i++) {
                String id = prefix + "-" + i;
                ids.add(id);
                SimulatedSource source = new SimulatedSource(8, 256, i);
                source.eeg().setWorkload(0.2 * i);
                relays.add(new Relay(new Relay.Options(id, 16, null), source, TestRedis.client(), screen::add).start());
            }
            colleague = TestPython.example(python, "features_model.py", "--user", ids.get(0));

            browser = chromium();
            browser.get(withUser(dashboard.url(), ids.get(0)));
            JavascriptExecutor js = browser;

            assertTrue(await(() -> ((List<String>) js.executeScript("return window.eegDashboard.liveUsers()"))
                    .containsAll(ids)), "the five users are listed: " + js.executeScript("return window.eegDashboard.liveUsers()"));
            // Traces scroll: every user has points, and the newest moves on.
            for (String id : ids) {
                assertTrue(await(() -> ((Number) js.executeScript("return window.eegDashboard.tracePoints(arguments[0])", id))
                        .intValue() > 100), id + " has a trace");
            }
            long canvases = (Long) js.executeScript("return document.querySelectorAll('.card canvas').length");
            assertTrue(canvases >= 5, "a trace is drawn on each card: " + canvases);
            // Predictions update: the latest prediction of each user moves forward in time.
            Map<String, Double> first = latestTimes(js, ids);
            assertTrue(await(() -> {
                Map<String, Double> now = latestTimes(js, ids);
                return ids.stream().allMatch(id -> now.get(id) > first.get(id));
            }), "each user's prediction updates");
            // The colleague's model: its predictions on the page and on the relay, with its source.
            assertTrue(await(() -> js.executeScript("return JSON.stringify(window.eegDashboard.latestPrediction(arguments[0]))",
                    ids.get(0)).toString().contains("colleague:alpha-relaxation")), "the page shows the Python model's predictions");
            assertTrue(await(() -> screen.stream().anyMatch(l -> l.contains(ids.get(0) + "  prediction relaxation")
                    && l.contains("from colleague:alpha-relaxation"))), "the relay shows them too");
            String page = browser.findElement(org.openqa.selenium.By.id("latest")).getText();
            assertTrue(page.contains("colleague:alpha-relaxation") && page.contains("eegstream:default"),
                    "side by side on the page: " + page);

            Path shot = Path.of("target", "dashboard.png");
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            // The token left the address bar and history, and is in no cookie.
            assertEquals("http://127.0.0.1:" + dashboard.port() + "/?user=" + ids.get(0), browser.getCurrentUrl());
            assertEquals("", js.executeScript("return document.cookie"));
            // A wrong token: the page says so instead of showing data.
            ChromeDriver tab = browser;
            tab.get("http://127.0.0.1:" + dashboard.port() + "/?user=nobody#token=wrong-token-0123456789");
            assertTrue(await(() -> tab.findElement(org.openqa.selenium.By.id("status")).getText().startsWith("no access")),
                    tab.findElement(org.openqa.selenium.By.id("status")).getText());
            assertEquals(List.of(), js.executeScript("return window.eegDashboard.liveUsers()"));
        } finally {
            if (browser != null) {
                browser.quit();
            }
            if (colleague != null) {
                colleague.destroyForcibly();
            }
            relays.forEach(Relay::close);
        }
    }

    /** Markup, attribute breakers, event handlers and javascript: URLs: each would record itself in window.__xss. */
    private static final List<String> HOSTILE = List.of(
            "<script>window.__xss.push('script')</script>",
            "<img src=x onerror=\"window.__xss.push('img')\">",
            "\" onmouseover=\"window.__xss.push('attr')\" x=\"",
            "'><svg onload=window.__xss.push('svg')>",
            "javascript:window.__xss.push('url')",
            "</span><iframe src=\"javascript:parent.__xss.push('iframe')\"></iframe>");

    @Test
    @SuppressWarnings("unchecked")
    void hostilePublicationsAreShownAsTextAndRunNothing() throws Exception {
        requireChromium();
        String good = TestRedis.uniqueUser("good");
        String evil = TestRedis.uniqueUser("evil");
        ChromeDriver browser = null;
        List<String> screen = new CopyOnWriteArrayList<>();
        try (Dashboard dashboard = new Dashboard(TestRedis.endpoint(), "127.0.0.1", 0);
                Publisher publisher = new Publisher();
                Relay relay = new Relay(new Relay.Options(good, 16, null), new SimulatedSource(4, 256, 3), TestRedis.client(),
                        screen::add).start()) {
            browser = chromium();
            // Before any of the page's scripts: a record of what runs, alert() replaced, CSP violations counted.
            browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                    "window.__xss = []; window.alert = m => window.__xss.push('alert ' + m);"
                    + " document.addEventListener('securitypolicyviolation', e => window.__xss.push('csp ' + e.violatedDirective));"));
            browser.get(withUser(dashboard.url(), evil));
            JavascriptExecutor js = browser;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            // User ids with markup cannot even be channel names: the dashboard rejects them.
            for (String id : HOSTILE) {
                publisher.publish("user:" + id + ":raw", "{\"type\":\"raw\",\"timestamp\":1,\"channels\":{\"C3\":1}}");
            }
            while (System.nanoTime() < deadline && !((List<String>) js.executeScript("return window.eegDashboard.liveUsers()"))
                    .containsAll(List.of(good, evil))) {
                publishHostile(publisher, json, evil);
                Thread.sleep(200);
            }
            for (int i = 0; i < 10; i++) { // a few more frames of everything, to render each part again
                publishHostile(publisher, json, evil);
                Thread.sleep(100);
            }
            List<String> listed = (List<String>) js.executeScript("return window.eegDashboard.liveUsers()");
            assertTrue(listed.containsAll(List.of(good, evil)), "both users are listed: " + listed);
            assertTrue(listed.stream().allMatch(id -> id.matches("[A-Za-z0-9_.-]+")), "no hostile user id: " + listed);
            // The hostile text is on the page, as text.
            assertTrue(await(() -> shownText(js).contains("<script>window.__xss.push('script')</script>")),
                    "the hostile strings are shown as text: " + shownText(js));
            String text = shownText(js);
            for (String needle : List.of("<img src=x onerror", "javascript:window.__xss", "onmouseover")) {
                assertTrue(text.contains(needle), "shown as text: " + needle);
            }
            Long injected = (Long) js.executeScript("return document.querySelectorAll("
                    + "'main script, main img, main svg, main iframe, [onerror], [onmouseover], [onload]').length");
            assertEquals(0L, injected, "no element made from the data");
            String titles = (String) js.executeScript(
                    "return [...document.querySelectorAll('.dots span')].map(s => s.title).join('\\n')");
            assertTrue(titles.contains("\" onmouseover=\""), "a channel's name is in the dot's title, as text: " + titles);
            List<Object> ran = (List<Object>) js.executeScript("return window.__xss");
            assertEquals(List.of(), ran, "nothing ran, and the CSP had nothing to block");
            // The good user still renders: its trace, and a prediction published now.
            assertTrue(await(() -> ((Number) js.executeScript("return window.eegDashboard.tracePoints(arguments[0])", good))
                    .intValue() > 50), "the good user's trace is drawn");
            publisher.publish("user:" + good + ":predictions", "{\"type\":\"prediction\",\"source\":\"test\",\"data\":{\"workload\":0.25}}");
            assertTrue(await(() -> js.executeScript("return JSON.stringify(window.eegDashboard.latestPrediction(arguments[0]))", good)
                    .toString().contains("0.25")), "the good user's prediction shows");
            assertEquals(List.of(), js.executeScript("return window.__xss"));
        } finally {
            if (browser != null) {
                browser.quit();
            }
        }
    }

    /** The visible text of the page's main part, and every element's title. */
    private static String shownText(JavascriptExecutor js) {
        return (String) js.executeScript("return document.querySelector('main').innerText + '\\n' + "
                + "[...document.querySelectorAll('[title]')].map(e => e.title).join('\\n')");
    }

    /** Raw samples, features, predictions and alerts for {@code user}, every string in them hostile. */
    private static void publishHostile(Publisher publisher, com.fasterxml.jackson.databind.ObjectMapper json, String user)
            throws Exception {
        double now = System.currentTimeMillis() / 1000.0;
        Map<String, Object> channels = new java.util.LinkedHashMap<>();
        for (int i = 0; i < HOSTILE.size(); i++) {
            channels.put(HOSTILE.get(i), 10.0 * i);
        }
        publisher.publish("user:" + user + ":raw", json.writeValueAsString(Map.of("type", "raw", "timestamp", now, "channels", channels)));
        int n = HOSTILE.size();
        List<Double> ones = java.util.Collections.nCopies(n, 0.2);
        Map<String, Object> features = new java.util.LinkedHashMap<>();
        features.put("type", "features");
        features.put("timestamp", now);
        features.put("window_start", now - 2);
        features.put("window_end", now);
        features.put("sample_count", 512);
        features.put("rate", 256.0);
        features.put("indices", Map.of(HOSTILE.get(4), 0.5));
        features.put("channels", HOSTILE);
        features.put("band_power", Map.of(HOSTILE.get(1), ones));
        features.put("relative_power", Map.of(HOSTILE.get(0), ones, HOSTILE.get(2), ones));
        features.put("quality", java.util.Collections.nCopies(n, 0.3));
        features.put("quality_problems", HOSTILE);
        features.put("confidence", 0.3);
        features.put("source", HOSTILE.get(3));
        publisher.publish("user:" + user + ":features", json.writeValueAsString(features));
        for (String hostile : HOSTILE) {
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put(hostile, hostile); // a string value: shown as it is
            data.put("x" + hostile, 0.5);
            publisher.publish("user:" + user + ":predictions", json.writeValueAsString(Map.of("type", "prediction",
                    "prediction_type", hostile, "source", hostile, "data", data, "timestamp", now)));
            publisher.publish("user:" + user + ":alerts", json.writeValueAsString(Map.of("type", "alert",
                    "alert_type", hostile, "state", "raised", "message", hostile, "timestamp", now)));
        }
    }

    @Test
    void refusesRequestsWithoutTheTokenOrFromElsewhere() throws Exception {
        DashboardAccess access = new DashboardAccess("a-token-for-this-test-0123", List.of("dash.lab.example:8443"));
        try (Dashboard dashboard = new Dashboard(TestRedis.endpoint(), "127.0.0.1", 0, access)) {
            int port = dashboard.port();
            String host = "127.0.0.1:" + port;
            String bearer = "Bearer " + access.token();
            // The printed address has the token in its fragment, which no browser sends.
            assertTrue(dashboard.url().equals("http://127.0.0.1:" + port + "/#token=" + access.token()), dashboard.url());
            // Data only with the bearer token: not in the query, not in a cookie.
            for (String path : List.of("/api/live", "/api/stats", "/events", "/nothing-here")) {
                assertEquals(401, Http.get(port, path, "Host", host).status(), path + " without the token");
                assertEquals(401, Http.get(port, path, "Host", host, "Authorization", "Bearer wrong-token-0123456789").status(),
                        path + " with a wrong token");
                assertEquals(401, Http.get(port, path + "?token=" + access.token(), "Host", host).status(), path + ": not in the query");
                assertEquals(401, Http.get(port, path, "Host", host, "Cookie", "eegstream_dashboard_" + port + "=" + access.token())
                        .status(), path + ": not in a cookie");
            }
            // The page and its files hold no data: served without the token, with no cookie set.
            for (String path : List.of("/", "/index.html", "/dashboard.js", "/dashboard.css", "/vendor/uPlot.iife.min.js")) {
                Http.Response file = Http.get(port, path, "Host", host);
                assertEquals(200, file.status(), path);
                assertNull(file.header("Set-Cookie"), path);
            }
            Http.Response page = Http.get(port, "/", "Host", host);
            String csp = page.header("Content-Security-Policy");
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), csp);
            assertEquals("no-referrer", page.header("Referrer-Policy"));
            assertFalse(page.body().contains("<script>") || page.body().matches("(?s).*<script(?![^>]*src=)[^>]*>.*"),
                    "no inline script in the page");
            assertEquals(200, Http.get(port, "/api/live", "Host", host, "Authorization", bearer).status());
            assertEquals(200, Http.get(port, "/api/live", "Host", "localhost:" + port, "Authorization", bearer).status());
            assertEquals(200, Http.get(port, "/api/live", "Host", host, "Authorization", bearer, "Origin", "http://" + host).status(),
                    "the page's own origin");
            Http.Response events = Http.get(port, "/events", "Host", host, "Authorization", bearer, "Accept", "text/event-stream");
            assertEquals(200, events.status(), events.head());
            assertTrue(events.header("Content-Type").startsWith("text/event-stream"), events.head());
            // DNS rebinding: evil.example resolves to 127.0.0.1, but the Host header says evil.example; the page too.
            assertEquals(403, Http.get(port, "/", "Host", "evil.example:" + port).status());
            assertEquals(403, Http.get(port, "/dashboard.js", "Host", "evil.example:" + port).status());
            assertEquals(403, Http.get(port, "/api/live", "Host", "evil.example", "Authorization", bearer).status());
            assertEquals(403, Http.get(port, "/events", "Host", host, "Authorization", bearer, "Origin", "http://evil.example").status(),
                    "a foreign origin");
            assertEquals(403, Http.get(port, "/api/live", "Host", host, "Authorization", bearer, "Origin", "null").status());
            assertEquals(403, Http.get(port, "/", "Host", host, "Origin", "http://evil.example").status());
            assertEquals(200, Http.get(port, "/api/live", "Host", "dash.lab.example", "Authorization", bearer).status(),
                    "a host name it was told to allow");
            assertEquals(403, Http.get(port, "/api/live", "Host", "dash.lab.example.evil.example", "Authorization", bearer).status());
        }
    }

    /** The printed address with {@code ?user=ID} before its fragment. */
    private static String withUser(String url, String user) {
        return url.replace("/#", "/?user=" + java.net.URLEncoder.encode(user, java.nio.charset.StandardCharsets.UTF_8) + "#");
    }

    private static void requireChromium() {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "headless Chromium is needed (apt-get install chromium chromium-driver; .ci/run installs it)");
    }

    private static ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1100");
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> latestTimes(JavascriptExecutor js, List<String> ids) {
        Map<String, Double> out = new java.util.HashMap<>();
        for (String id : ids) {
            List<Map<String, Object>> latest = (List<Map<String, Object>>) js.executeScript(
                    "return window.eegDashboard.latestPrediction(arguments[0])", id);
            out.put(id, latest.stream().filter(p -> "eegstream:default".equals(p.get("source")))
                    .mapToDouble(p -> ((Number) p.get("t")).doubleValue()).max().orElse(0));
        }
        return out;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean await(Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            if (check.holds()) {
                return true;
            }
            Thread.sleep(200);
        }
        return check.holds();
    }
}
