package io.github.eegstream.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
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
 * Leaves a screenshot in {@code target/dashboard.png}.
 */
class DashboardTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    @SuppressWarnings("unchecked")
    void showsFiveLiveUsersTracesAndPredictionsUpdatingInChromium() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "headless Chromium (apt-get install chromium chromium-driver)");
        String python = TestPython.withModules("redis", "msgpack", "numpy");
        assumeTrue(python != null, "python3 with redis, msgpack and numpy");
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

            ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                    .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1100");
            browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(),
                    options);
            browser.get("http://127.0.0.1:" + dashboard.port() + "/?user=" + ids.get(0));
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
