package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints go to a private directory of the spec's own, and {@code --restore latest} takes only
 * the same spec's newest checkpoint that nobody else could have written.
 */
class CheckpointDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void theDefaultIsUnderTheUsersStateDirectory() {
        assertEquals(Path.of("/home/x/.state/eegstream/checkpoints"),
                CheckpointDirectory.defaultRoot(Map.of("XDG_STATE_HOME", "/home/x/.state")::get));
        assertEquals(Path.of(System.getProperty("user.home"), ".local/state/eegstream/checkpoints"),
                CheckpointDirectory.defaultRoot(name -> null));
        assertEquals(Path.of(System.getProperty("user.home"), ".local/state/eegstream/checkpoints"),
                CheckpointDirectory.defaultRoot(Map.of("XDG_STATE_HOME", "relative/ignored")::get), "XDG: relative paths are ignored");
    }

    @Test
    void theSpecsDirectoryIsCreatedPrivate() throws Exception {
        Path root = tmp.resolve("state");
        Path dir = CheckpointDirectory.forSpec(root.toUri().toString(), "durable");
        assertEquals(root.resolve("durable"), dir);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        // An existing directory left open to others is closed.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        CheckpointDirectory.forSpec(root.toString(), "durable");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(root.resolve("a_b"), CheckpointDirectory.forSpec(root.toString(), "a/b"), "a spec name is one directory");
        assertThrows(IllegalStateException.class, () -> CheckpointDirectory.forSpec("s3://bucket/x", "durable"));
    }

    @Test
    void latestIsTheSameSpecsNewestCheckpointThatNoOneElseCouldHaveWritten() throws Exception {
        Path root = tmp.resolve("root");
        Path durable = CheckpointDirectory.forSpec(root.toString(), "durable");
        Path other = CheckpointDirectory.forSpec(root.toString(), "other");
        assertEquals(Optional.empty(), CheckpointDirectory.latest(durable));
        Path older = checkpoint(durable, "job-a", 3, 1_000);
        Path newer = checkpoint(durable, "job-b", 1, 2_000);
        checkpoint(other, "job-c", 9, 9_000); // another spec's, newer: never taken
        assertEquals(Optional.of(newer), CheckpointDirectory.latest(durable));
        // A checkpoint in a directory anyone could write to may have been planted: ignored.
        Path planted = checkpoint(durable, "job-d", 1, 5_000);
        Files.setPosixFilePermissions(planted.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.of(newer), CheckpointDirectory.latest(durable));
        Files.setPosixFilePermissions(newer.resolve("_metadata"), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(Optional.of(older), CheckpointDirectory.latest(durable));
    }

    /** {@code <dir>/<job>/chk-<n>/_metadata}, modified at {@code millis}. */
    private static Path checkpoint(Path dir, String job, int n, long millis) throws Exception {
        Path chk = Files.createDirectories(dir.resolve(job).resolve("chk-" + n));
        Path metadata = Files.writeString(chk.resolve("_metadata"), "x");
        Files.setLastModifiedTime(metadata, java.nio.file.attribute.FileTime.fromMillis(millis));
        return chk;
    }
}
