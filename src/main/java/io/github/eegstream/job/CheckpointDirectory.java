package io.github.eegstream.job;

import com.sun.security.auth.module.UnixSystem;
import io.github.eegstream.spec.JobSpecs;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
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
 * could have written (so nothing planted by another user is ever restored). Ownership is compared
 * by numeric uid, and no directory above the root may be writable by others unless it is sticky
 * (as {@code /tmp} is): whoever may rename entries in an ancestor could swap in a tree of theirs.
 */
public final class CheckpointDirectory {

    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;
    private static final int ROOT = 0;

    private CheckpointDirectory() {}

    /** The default root: under the user's state directory (XDG Base Directory). */
    static Path defaultRoot(Function<String, String> env) {
        String state = env.apply("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank() && Path.of(state).isAbsolute() ? Path.of(state)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("eegstream").resolve("checkpoints");
    }

    /** The spec name, if it can be one directory of its own ({@link JobSpecs#requireValidName}). */
    static String requireValidName(String specName) {
        return JobSpecs.requireValidName(specName);
    }

    /**
     * The spec's own checkpoint directory under {@code configured} (a {@code file:} URI or path;
     * null for the default root), created private.
     *
     * @throws IllegalStateException if it, or a directory above it, is not safe from other users
     * @throws IllegalArgumentException if the spec name is not one safe directory name
     */
    static Path forSpec(String configured, String specName) throws IOException {
        return forSpec(configured, specName, myUid());
    }

    /** As {@link #forSpec(String, String)} for the user {@code uid} (tests stand for another user). */
    static Path forSpec(String configured, String specName, int uid) throws IOException {
        String name = requireValidName(specName);
        Path root = (configured == null || configured.isBlank() ? defaultRoot(System::getenv) : local(configured))
                .toAbsolutePath().normalize();
        requireSafeAncestors(root, uid);
        Path dir = root.resolve(name);
        makePrivate(root, uid);
        makePrivate(dir, uid);
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

    /**
     * Every existing directory above {@code root}, as written and as resolved through symbolic
     * links, belongs to {@code uid} or root and is writable by no one else, unless sticky. Missing
     * ones are created private, so a umask of 002 does not make them group-writable.
     */
    static void requireSafeAncestors(Path root, int uid) throws IOException {
        Path existing = root;
        while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        for (Path p = root.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                requireSafe(p, uid);
            }
        }
        for (Path p = existing.toRealPath(); p != null; p = p.getParent()) {
            if (!p.equals(root)) {
                requireSafe(p, uid);
            }
        }
        createPrivate(existing, root.getParent(), uid);
    }

    /** Creates the directories between {@code existing} (exclusive) and {@code target} (inclusive), mode 0700. */
    private static void createPrivate(Path existing, Path target, int uid) throws IOException {
        if (target == null || !target.startsWith(existing) || target.equals(existing)) {
            return;
        }
        Path p = existing;
        for (Path part : existing.relativize(target)) {
            p = p.resolve(part);
            try {
                Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (FileAlreadyExistsException raced) {
                requireSafe(p, uid); // made meanwhile, perhaps by someone else
            }
        }
    }

    /** One ancestor: owned by {@code uid} or root, and not writable by others unless sticky. */
    private static void requireSafe(Path p, int uid) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer) a.get("uid");
        int mode = (Integer) a.get("mode");
        if (owner != uid && owner != ROOT) {
            throw new IllegalStateException("the checkpoint directory's ancestor " + p + " belongs to uid " + owner
                    + ", who could replace what is below it: choose a directory of your own (execution.checkpointing.dir)");
        }
        if (!Files.isSymbolicLink(p) && (mode & GROUP_OR_OTHERS_WRITE) != 0 && (mode & STICKY) == 0) {
            throw new IllegalStateException("the checkpoint directory's ancestor " + p + " is writable by others ("
                    + String.format("%04o", mode & 07777) + ") and not sticky, so anyone may replace what is below it:"
                    + " choose a private directory (execution.checkpointing.dir) or chmod go-w " + p);
        }
    }

    /** Creates {@code dir} if needed; makes it 0700; refuses one of another user's. */
    static void makePrivate(Path dir, int uid) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile: checked below
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("the checkpoint directory " + dir + " is not a directory (or is a symbolic link)");
        }
        int owner = uidOf(dir);
        if (owner != uid) {
            throw new IllegalStateException("the checkpoint directory " + dir + " belongs to uid " + owner + " ("
                    + Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName() + "), not to uid " + uid
                    + ": choose a directory of your own (execution.checkpointing.dir in conf/config.yaml)");
        }
        Files.setPosixFilePermissions(dir, PRIVATE); // EEG: nobody else reads it
    }

    /**
     * The newest completed checkpoint in the spec's directory ({@code <dir>/<job id>/chk-N/_metadata})
     * that this user owns and that no one else could have written.
     */
    static Optional<Path> latest(Path specDir) throws IOException {
        return latest(specDir, myUid());
    }

    /** As {@link #latest(Path)} for the user {@code uid}. */
    static Optional<Path> latest(Path specDir, int uid) throws IOException {
        if (!Files.isDirectory(specDir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(specDir, 3)) {
            return files.filter(f -> f.getFileName().toString().equals("_metadata"))
                    .filter(f -> trusted(specDir, f, uid))
                    .max(Comparator.comparingLong(f -> f.toFile().lastModified()))
                    .map(Path::getParent);
        }
    }

    /** The file and every directory from it up to {@code top} are {@code uid}'s and writable by it only. */
    private static boolean trusted(Path top, Path file, int uid) {
        try {
            for (Path p = file; p != null && p.startsWith(top); p = p.getParent()) {
                if (Files.isSymbolicLink(p) || uidOf(p) != uid) {
                    return false;
                }
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int uidOf(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * This process's numeric uid. Not {@code user.name}: that is only a system property (anyone
     * starting the JVM may set it), and two accounts may share a name across NSS sources.
     */
    static int myUid() {
        return (int) new UnixSystem().getUid();
    }

    /** For tests: the permissions a private directory has. */
    static Set<PosixFilePermission> privatePermissions() {
        return EnumSet.copyOf(PRIVATE);
    }
}
