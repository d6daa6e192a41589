package io.github.eegstream.testing;

import io.github.eegstream.cli.Eeg;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * One {@code eeg} command run in this process: its exit code, and everything it printed on
 * standard output and standard error (picocli's error stream included).
 */
public record CliRun(int exit, String out, String err) {

    public static CliRun of(String... args) {
        return withStdin("", args);
    }

    /** With {@code stdin} as its standard input. */
    public static synchronized CliRun withStdin(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StringWriter cliErr = new StringWriter();
        InputStream in = System.in;
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        int exit;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            var cli = Eeg.commandLine();
            cli.setErr(new PrintWriter(cliErr, true));
            exit = cli.execute(args);
        } finally {
            System.setIn(in);
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return new CliRun(exit, out.toString(StandardCharsets.UTF_8), cliErr + err.toString(StandardCharsets.UTF_8));
    }

    /** All of it, for assertion messages. */
    public String all() {
        return "exit " + exit + "\nout: " + out + "\nerr: " + err;
    }
}
