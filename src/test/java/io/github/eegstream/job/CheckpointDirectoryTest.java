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

    @Test
    void aSpecNameIsOneDirectoryOfItsOwnOrRefused() throws Exception {
        Path root = tmp.resolve("names");
        for (String bad : new String[] {"", ".", "..", "...", "a/b", "../x", "a\\b", "a b", "é", "x\0y", "/abs"}) {
            assertThrows(IllegalArgumentException.class, () -> CheckpointDirectory.forSpec(root.toString(), bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> CheckpointDirectory.forSpec(root.toString(), null));
        assertEquals(root.resolve("a.b_c-1"), CheckpointDirectory.forSpec(root.toString(), "a.b_c-1"));
        assertEquals(root.resolve(".hidden"), CheckpointDirectory.forSpec(root.toString(), ".hidden"));
        try (var entries = Files.list(tmp)) {
            assertEquals(java.util.List.of(root), entries.toList(), "nothing made outside the root");
        }
    }

    @Test
    void ownershipIsTheNumericUidNotTheUserNameProperty() throws Exception {
        Path root = tmp.resolve("owned");
        String name = System.getProperty("user.name");
        System.setProperty("user.name", "someone-else");
        try {
            assertEquals(root.resolve("s"), CheckpointDirectory.forSpec(root.toString(), "s"), "a renamed user.name changes nothing");
        } finally {
            System.setProperty("user.name", name);
        }
        int me = CheckpointDirectory.myUid();
        assertEquals(me, (int) (Integer) Files.getAttribute(root, "unix:uid"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CheckpointDirectory.forSpec(root.toString(), "s", me + 4242));
        assertTrue(e.getMessage().contains("belongs to uid " + me), e.getMessage());
        Path chk = checkpoint(root.resolve("s"), "job", 1, 1_000);
        assertEquals(Optional.of(chk), CheckpointDirectory.latest(root.resolve("s"), me));
        assertEquals(Optional.empty(), CheckpointDirectory.latest(root.resolve("s"), me + 4242), "not another uid's");
    }

    /**
     * As root, the directories are given to uid 4242 and the job runs as uid 1234; as anyone
     * else, the directories are the test's own and the job runs as another uid. Either way they
     * belong to neither root nor the job's user, so nothing runs without the check.
     */
    @Test
    void aDirectoryOfAnotherUidIsRefused() throws Exception {
        boolean root = CheckpointDirectory.myUid() == 0;
        int owner = root ? 4242 : CheckpointDirectory.myUid();
        int job = root ? 1234 : owner + 4242;
        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        if (root) {
            Files.setAttribute(theirs, "unix:uid", owner);
        }
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwx------"));
        assertThrows(IllegalStateException.class, () -> CheckpointDirectory.forSpec(theirs.toString(), "s", job));
        // An ancestor of another (not root) user could swap the tree below it.
        Path above = Files.createDirectory(tmp.resolve("above"));
        if (root) {
            Files.setAttribute(above, "unix:uid", owner);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CheckpointDirectory.forSpec(above.resolve("mine").toString(), "s", job));
        assertTrue(e.getMessage().contains("belongs to uid " + owner), e.getMessage());
    }

    @Test
    void anAncestorWritableByOthersIsRefusedUnlessSticky() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        for (String mode : new String[] {"rwxrwxrwx", "rwxrwxr-x", "rwxr-xrwx"}) {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString(mode));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> CheckpointDirectory.forSpec(shared.resolve("state").resolve("cp").toString(), "s"), mode);
            assertTrue(e.getMessage().contains(shared.toString()) && e.getMessage().contains("not sticky"), e.getMessage());
            assertTrue(Files.notExists(shared.resolve("state")), "nothing created below it");
        }
        Files.setAttribute(shared, "unix:mode", 01777); // as /tmp: others cannot rename our entries
        Path dir = CheckpointDirectory.forSpec(shared.resolve("state").resolve("cp").toString(), "s");
        assertEquals(shared.resolve("state/cp/s"), dir);
        // Missing directories are made private whatever the umask.
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.resolve("state"))));
        // Through a symbolic link, the real directories are checked too.
        Files.setAttribute(shared, "unix:mode", 0777);
        Path link = Files.createSymbolicLink(tmp.resolve("link"), shared);
        assertThrows(IllegalStateException.class, () -> CheckpointDirectory.forSpec(link.resolve("state/cp").toString(), "s"));
    }

    /** {@code <dir>/<job>/chk-<n>/_metadata}, modified at {@code millis}. */
    private static Path checkpoint(Path dir, String job, int n, long millis) throws Exception {
        Path chk = Files.createDirectories(dir.resolve(job).resolve("chk-" + n));
        Path metadata = Files.writeString(chk.resolve("_metadata"), "x");
        Files.setLastModifiedTime(metadata, java.nio.file.attribute.FileTime.fromMillis(millis));
        return chk;
    }
}
