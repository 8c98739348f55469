package org.provost.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.provost.config.Config.Argon2Params;

/**
 * Argon2id password hashes (RFC 9106) in the PHC string format
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}. Each hash records its own cost, so changing the
 * configured cost affects new hashes only and old ones still verify.
 */
public final class PasswordHasher {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final Argon2Params params;
  private final SecureRandom random = new SecureRandom();
  /**
   * Hashing runs on its own platform threads, never on a virtual thread's carrier: a carrier busy for tens
   * of milliseconds hashing would stall every request that shares it (and any database connection such a
   * request holds), nor on the SQL lane's threads (a password set by an administrator). There are
   * {@code threads} of them, so at most that many hashes hold their memory cost (19 MiB each by default) at
   * once, whoever asks; idle threads end after 30 s.
   */
  private final ExecutorService hashing;
  /**
   * Argon2's 1 KiB blocks (19,456 per hash by default), handed from one hash to the next, cleared in between
   * (BouncyCastle's {@code FixedBlockPool}), as many as {@code threads} hashes at the configured cost use at
   * once, within a quarter of the heap (a hash at another cost, verifying an older hash, takes what the pool
   * has and allocates the rest). Allocated afresh, each login's 19 MiB came as 19,456 young objects: they
   * made most young collections, and those that found a hash in progress copied its blocks, pausing every
   * request (10-30 ms under a login load, docs/PERFORMANCE.md). Kept, they are promoted once and never
   * copied again.
   */
  private final Argon2BytesGenerator.BlockPool blocks;
  private final String dummy;

  /** A hasher with one hashing thread per core, at the process's priority (commands: its pool fills as used). */
  public PasswordHasher(Argon2Params params) {
    this(params, Runtime.getRuntime().availableProcessors(), 0,
        pool(params, Runtime.getRuntime().availableProcessors(), false));
  }

  /**
   * @param threads hashes computed at once for callers on other threads (the hash lane, the SQL lane): the
   *     bound on the memory hashing allocates, {@code threads x memoryKib} KiB
   * @param nice how many nice steps below the process the hashing threads run (0 to 19; see
   *     {@link org.provost.ops.ThreadPriority}): a login storm then takes only the cores the event loops leave
   */
  public PasswordHasher(Argon2Params params, int threads, int nice) {
    this(params, threads, nice, pool(params, threads, true));
  }

  /** What one pooled block holds on the heap, in bytes: a {@code long[128]} (1,040) and its holder (16). */
  static final long BLOCK_BYTES = 1_056;

  /**
   * A pool for {@code threads} hashes at once at the configured cost, or for as many as a quarter of the heap
   * holds (8 hashing threads of 19 MiB would take 164 MB of the launcher's 384: the hashes beyond the pool
   * then allocate their blocks as before); {@code filled}: allocated now, so that the collections that
   * promote its blocks (once) come at start, not in the middle of the first logins' traffic (a 20-35 ms pause
   * when they did).
   */
  private static Argon2BytesGenerator.BlockPool pool(Argon2Params params, int threads, boolean filled) {
    long wanted = (long) threads * Argon2BytesGenerator.getBlockCount(params.memoryKib(), params.parallelism());
    int capacity = (int) Math.min(wanted, Runtime.getRuntime().maxMemory() / 4 / BLOCK_BYTES);
    var pool = new Argon2BytesGenerator.FixedBlockPool(capacity);
    if (filled) for (int i = 0; i < capacity; i++) pool.deallocate(new Argon2BytesGenerator.Block());
    return pool;
  }

  /** As above, with the pool the hashes take their blocks from (a test observes it). */
  PasswordHasher(Argon2Params params, int threads, int nice, Argon2BytesGenerator.BlockPool blocks) {
    this.params = params;
    this.blocks = blocks;
    this.hashing = org.provost.ops.ThreadPriority.pool("provost-hash-", threads, 30, nice);
    this.dummy = hash("provost-timing-equalizer");
  }

  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] out = onHashThreads(password, salt, params.memoryKib(), params.iterations(), params.parallelism(),
        HASH_BYTES);
    return "$argon2id$v=19$m=" + params.memoryKib() + ",t=" + params.iterations() + ",p=" + params.parallelism()
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
  }

  /** Verifies in constant time; a malformed or missing hash is simply false. */
  public boolean verify(String password, String encoded) {
    if (encoded == null) {
      verify(password, dummy);
      return false;
    }
    String[] parts = encoded.split("\\$");
    if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) return false;
    try {
      int m = 0, t = 0, p = 0;
      for (String kv : parts[3].split(",")) {
        int v = Integer.parseInt(kv.substring(2));
        switch (kv.charAt(0)) {
          case 'm' -> m = v;
          case 't' -> t = v;
          case 'p' -> p = v;
          default -> { return false; }
        }
      }
      byte[] salt = B64D.decode(parts[4]);
      byte[] expected = B64D.decode(parts[5]);
      byte[] actual = onHashThreads(password, salt, m, t, p, expected.length);
      return MessageDigest.isEqual(expected, actual);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Spends the same time as a real verification, for unknown users (no timing oracle). */
  public void burn(String password) {
    verify(password, dummy);
  }

  private byte[] onHashThreads(String password, byte[] salt, int memoryKib, int iterations, int parallelism,
      int length) {
    try {
      return hashing.submit(() -> derive(password, salt, memoryKib, iterations, parallelism, length, blocks))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while hashing", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  /**
   * Argon2id (version 1.3) of {@code password}, {@code length} bytes; its memory blocks come from, and go back
   * to, {@code blocks} (shared: a pool safe for concurrent use).
   */
  static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length,
      Argon2BytesGenerator.BlockPool blocks) {
    Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt)
        .withMemoryAsKB(memoryKib)
        .withIterations(iterations)
        .withParallelism(parallelism)
        .withBlockPool(blocks)
        .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(p);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
