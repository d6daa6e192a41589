package io.github.eegstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eeg}: the command line of the project. */
@Command(name = "eeg", mixinStandardHelpOptions = true, versionProvider = Eeg.Version.class,
        description = "Real-time EEG streaming and prediction on Apache Flink and Redis.",
        subcommands = {
            RelayCommand.class, JobCommand.class, DemoCommand.class, SubscribeCommand.class, PublishCommand.class,
            FeaturesCommand.class, LslCommand.class, LslSimCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Eeg {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests run it in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Eeg());
        // A user error (bad id, bad URL, unknown spec) is one clear line, not a stack trace.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                cmd.getErr().println(cmd.getColorScheme().errorText("eeg " + cmd.getCommandName() + ": " + e.getMessage()));
                return 2;
            }
            throw e;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Eeg.class.getPackage().getImplementationVersion();
            return new String[] {"eeg " + (v == null ? "(development build)" : v)};
        }
    }
}
