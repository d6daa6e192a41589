package io.github.eegstream.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Standard output, one whole line at a time even when several relays print at once. */
final class Screen {

    private static PrintStream out;
    private static PrintStream wrapped;

    private Screen() {}

    static synchronized void println(String line) {
        if (wrapped != System.out) { // follow System.out if it is replaced (tests capture it)
            wrapped = System.out;
            out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        }
        out.println(line);
    }
}
