package io.github.eegstream.job;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Where the embedded job keeps its checkpoints, which hold every user's EEG windows: a directory
 * only its owner may enter (mode 0700), by default {@code $XDG_STATE_HOME/eegstream/checkpoints}
 * (else {@code ~/.local/state/eegstream/checkpoints}), or the configured
 * {@code execution.checkpointing.dir}; in it, one directory per job spec. {@code --restore latest}
 * takes the newest checkpoint of the same spec, and only one that this user owns and nobody else
 * could have written (so nothing planted by another user is ever restored).
 */
public final class CheckpointDirectory {

    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private CheckpointDirectory() {}

    /** The default root: under the user's state directory (XDG Base Directory). */
    static Path defaultRoot(Function<String, String> env) {
        String state = env.apply("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank() && Path.of(state).isAbsolute() ? Path.of(state)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("eegstream").resolve("checkpoints");
    }

    /**
     * The spec's own checkpoint directory under {@code configured} (a {@code file:} URI or path;
     * null for the default root), created private.
     *
     * @throws IllegalStateException if it exists and belongs to another user
     */
    static Path forSpec(String configured, String specName) throws IOException {
        Path root = configured == null || configured.isBlank() ? defaultRoot(System::getenv) : local(configured);
        Path dir = root.resolve(specName.replaceAll("[^A-Za-z0-9_.-]", "_"));
        makePrivate(root);
        makePrivate(dir);
        return dir;
    }

    /** A local directory from a {@code file:} URI or a path; other file systems are not checked here. */
    static Path local(String configured) {
        if (configured.startsWith("file:")) {
            return Path.of(URI.create(configured));
        }
        if (configured.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalStateException("the embedded job keeps checkpoints on this machine: execution.checkpointing.dir "
                    + configured + " is not a local directory");
        }
        return Path.of(configured);
    }

    /** Creates {@code dir} (and its parents) if needed; makes it 0700; refuses one of another user's. */
    static void makePrivate(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made meanwhile: checked below
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("the checkpoint directory " + dir + " is not a directory (or is a symbolic link)");
        }
        if (!ownedByMe(dir)) {
            throw new IllegalStateException("the checkpoint directory " + dir + " belongs to "
                    + Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName() + ", not to " + me()
                    + ": choose a directory of your own (execution.checkpointing.dir in conf/config.yaml)");
        }
        Files.setPosixFilePermissions(dir, PRIVATE); // EEG: nobody else reads it
    }

    /**
     * The newest completed checkpoint in the spec's directory ({@code <dir>/<job id>/chk-N/_metadata})
     * that this user owns and that no one else could have written.
     */
    static Optional<Path> latest(Path specDir) throws IOException {
        if (!Files.isDirectory(specDir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(specDir, 3)) {
            return files.filter(f -> f.getFileName().toString().equals("_metadata"))
                    .filter(f -> trusted(specDir, f))
                    .max(Comparator.comparingLong(f -> f.toFile().lastModified()))
                    .map(Path::getParent);
        }
    }

    /** The file and every directory from it up to {@code top} are mine and writable by me only. */
    private static boolean trusted(Path top, Path file) {
        try {
            for (Path p = file; p != null && p.startsWith(top); p = p.getParent()) {
                if (Files.isSymbolicLink(p) || !ownedByMe(p)) {
                    return false;
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean ownedByMe(Path p) throws IOException {
        return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(me());
    }

    private static String me() {
        return System.getProperty("user.name");
    }

    /** For tests: the permissions a private directory has. */
    static Set<PosixFilePermission> privatePermissions() {
        return EnumSet.copyOf(PRIVATE);
    }
}
