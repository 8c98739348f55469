package org.provost.db;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An exclusive lock on {@code <dataDir>/provost.lock}, held by the one process that runs the embedded
 * PostgreSQL. The operating system releases it when that process dies, even by {@code kill -9}, so a held
 * lock always means a live owner. The file also says who holds it: {@code <pid> <verb>}.
 */
final class DataDirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock, or empty when another live process (or this one) holds it. */
  static Optional<DataDirLock> tryAcquire(Path dataDir, String verb) throws IOException {
    FileChannel channel = FileChannel.open(dataDir.resolve("provost.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.READ);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      return Optional.empty();
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + " " + verb + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(true);
    return Optional.of(new DataDirLock(channel, lock));
  }

  /** Who holds the lock, as {@code provost serve (pid 1234)}; best effort. */
  static String holder(Path dataDir) {
    try {
      String[] parts = Files.readString(dataDir.resolve("provost.lock")).trim().split(" ");
      if (parts.length == 2) return "provost " + parts[1] + " (pid " + parts[0] + ")";
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return "another provost process";
  }

  /** The verb of the holder, such as {@code serve}; empty if unknown. */
  static String holderVerb(Path dataDir) {
    try {
      String[] parts = Files.readString(dataDir.resolve("provost.lock")).trim().split(" ");
      return parts.length == 2 ? parts[1] : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
