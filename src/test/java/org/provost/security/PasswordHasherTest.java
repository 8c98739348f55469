package org.provost.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.junit.jupiter.api.Test;
import org.provost.config.Config.Argon2Params;

class PasswordHasherTest {
  final PasswordHasher hasher = new PasswordHasher(new Argon2Params(64, 1, 1));

  @Test
  void hash_isPhcArgon2id_withItsOwnSaltAndCost() {
    String a = hasher.hash("correct horse");
    String b = hasher.hash("correct horse");
    assertThat(a).startsWith("$argon2id$v=19$m=64,t=1,p=1$");
    assertThat(a).isNotEqualTo(b);
    assertThat(hasher.verify("correct horse", a)).isTrue();
    assertThat(hasher.verify("correct horsE", a)).isFalse();
  }

  @Test
  void verify_usesTheCostRecordedInTheHash_notTheConfiguredOne() {
    String old = new PasswordHasher(new Argon2Params(128, 2, 1)).hash("pw-from-before");
    assertThat(hasher.verify("pw-from-before", old)).isTrue();
  }

  @Test
  void verify_malformedOrMissingHash_isFalse() {
    assertThat(hasher.verify("x", null)).isFalse();
    assertThat(hasher.verify("x", "plaintext")).isFalse();
    assertThat(hasher.verify("x", "$argon2id$v=19$m=64,t=1,p=1$!!!$???")).isFalse();
    assertThat(hasher.verify("x", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA")).isFalse();
  }

  @Test
  void derive_matchesTheReferenceImplementationsArgon2idVector_withFreshAndWithReusedBlocks() {
    // phc-winner-argon2 src/test.c, Argon2id v1.3: t=2, m=2^16 KiB, p=1, "password", "somesalt"
    var pool = new Argon2BytesGenerator.FixedBlockPool(65536);
    PasswordHasher.derive("other password", "othersalt".getBytes(), 65536, 2, 1, 32, pool); // leaves its blocks
    for (int i = 0; i < 2; i++) {
      byte[] out = PasswordHasher.derive("password", "somesalt".getBytes(), 65536, 2, 1, 32, pool);
      assertThat(java.util.HexFormat.of().formatHex(out)).as("hash %d from the pool", i)
          .isEqualTo("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7");
    }
  }

  /**
   * A hash takes its memory from the blocks an earlier hash gave back, not from new allocations (each new
   * block is a young object a collection may have to copy).
   */
  @Test
  void hashes_reuseTheBlocksOfEarlierHashes() {
    Argon2Params cost = new Argon2Params(1024, 1, 1);
    var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<Argon2BytesGenerator.Block, Boolean>());
    var fresh = new java.util.concurrent.atomic.AtomicInteger();
    var pool = new Argon2BytesGenerator.FixedBlockPool(2 * 1024);
    Argon2BytesGenerator.BlockPool observed = new Argon2BytesGenerator.BlockPool() {
      @Override
      public synchronized Argon2BytesGenerator.Block allocate() {
        Argon2BytesGenerator.Block b = pool.allocate();
        if (seen.add(b)) fresh.incrementAndGet();
        return b;
      }

      @Override
      public void deallocate(Argon2BytesGenerator.Block block) {
        pool.deallocate(block);
      }
    };
    PasswordHasher pooled = new PasswordHasher(cost, 2, 0, observed); // hashes its timing equalizer
    int first = fresh.get();
    assertThat(first).as("the first hash's blocks: its 1,024 KiB and a few working blocks").isBetween(1024, 1040);
    for (int i = 0; i < 5; i++) assertThat(pooled.verify("pw" + i, pooled.hash("pw" + i))).isTrue();
    assertThat(fresh.get()).as("blocks allocated afresh after the first hash").isEqualTo(first);
  }
}
