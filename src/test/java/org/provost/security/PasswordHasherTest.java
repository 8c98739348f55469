package org.provost.security;

import static org.assertj.core.api.Assertions.assertThat;

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
  void derive_matchesTheReferenceImplementationsArgon2idVector() {
    // phc-winner-argon2 src/test.c, Argon2id v1.3: t=2, m=2^16 KiB, p=1, "password", "somesalt"
    byte[] out = PasswordHasher.derive("password", "somesalt".getBytes(), 65536, 2, 1, 32);
    assertThat(java.util.HexFormat.of().formatHex(out))
        .isEqualTo("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7");
  }
}
