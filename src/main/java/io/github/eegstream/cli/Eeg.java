package io.github.eegstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eeg}: the command line of the project. */
@Command(name = "eeg", mixinStandardHelpOptions = true, versionProvider = Eeg.Version.class,
        description = "Real-time EEG streaming and prediction on Apache Flink and Redis.",
        subcommands = {
            RelayCommand.class, JobCommand.class, DemoCommand.class, SubscribeCommand.class, PublishCommand.class,
            FeaturesCommand.class, LslCommand.class, LslSimCommand.class, BenchCommand.class, AclCommand.class, DashboardCommand.class, RecordCommand.class, ExportCommand.class,
            ClusterCommand.class, SubmitCommand.class, StopJobCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Eeg {

    public static void main(String[] args) {
        int exit;
        try {
            exit = commandLine().execute(args);
        } catch (NoClassDefFoundError e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("org/apache/flink")) {
                throw e;
            }
            // The relay jar carries no Flink: say so instead of a stack trace.
            System.err.println("eeg: this command runs Flink, which this jar does not contain: use bin/eeg in the "
                    + "project, or the job jar on a Flink cluster (see README)");
            exit = 2;
        }
        System.exit(exit);
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
            if (e instanceof io.lettuce.core.RedisCommandExecutionException && e.getMessage() != null
                    && (e.getMessage().startsWith("NOPERM") || e.getMessage().startsWith("WRONGPASS"))) {
                cmd.getErr().println(cmd.getColorScheme().errorText("eeg " + cmd.getCommandName() + ": Redis refused: "
                        + e.getMessage() + ". Check the Redis user and its rules (bin/eeg acl --help)."));
                return 2;
            }
            if (e instanceof io.lettuce.core.RedisConnectionException) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                cmd.getErr().println(cmd.getColorScheme().errorText("eeg " + cmd.getCommandName() + ": " + e.getMessage()
                        + " (" + cause.getMessage() + "). Is Redis running there? Point to it with --redis URL or $REDIS_URL."));
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
