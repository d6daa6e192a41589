package io.github.eegstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.testing.TestRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What a user sees when the command line is given wrong arguments. */
class CommandLineTest {

    private record Result(int exit, String err) {}

    private static Result run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Eeg.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return new Result(cli.execute(args), err.toString());
    }

    @Test
    void wrongArgumentsSayWhatIsWrongAndHowToFixIt() {
        Result missing = run("relay");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("Missing required option: '--user=ID'"), missing.err());
        assertTrue(missing.err().contains("Usage: eeg relay"), "shows usage: " + missing.err());

        Result badId = run("relay", "--user", "jamie smith", "--redis", TestRedis.endpoint().url());
        assertEquals(2, badId.exit());
        assertTrue(badId.err().contains("invalid user id 'jamie smith': use 1 to 64 characters from A-Z a-z 0-9 _ . -"),
                badId.err());

        Result badKind = run("subscribe", "jamie", "video");
        assertTrue(badKind.err().contains("unknown channel kind 'video': use one of raw, features, predictions"),
                badKind.err());

        Result badChunk = run("relay", "--user", "jamie", "--chunk", "0");
        assertTrue(badChunk.err().contains("chunk size must be at least 1"), badChunk.err());

        Result badSpec = run("job", "--spec", "no-such-spec");
        assertTrue(badSpec.err().contains("no job spec 'no-such-spec'") && badSpec.err().contains("default, seed-compatible"),
                badSpec.err());

        Result badJson = run("publish", "jamie", "predictions", "{\"type\":\"prediction\"}", "--redis",
                TestRedis.endpoint().url());
        assertTrue(badJson.err().contains("not a valid predictions message: a prediction needs 'data'")
                || badJson.err().contains("missing 'data'"), badJson.err());

        Result noRedis = run("relay", "--user", "jamie", "--redis", "redis://127.0.0.1:1");
        assertEquals(2, noRedis.exit());
        assertTrue(noRedis.err().contains("Unable to connect to 127.0.0.1") && noRedis.err().contains("--redis URL"),
                noRedis.err());

        Result unknown = run("relya");
        assertTrue(unknown.err().contains("Unmatched argument") && unknown.err().contains("relay"), unknown.err());
    }
}
