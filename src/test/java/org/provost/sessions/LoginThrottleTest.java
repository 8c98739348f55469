package org.provost.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.error.ServiceException;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/** Throttling counts accounts, not strings (issue 8 item 2). */
class LoginThrottleTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().admin().build();

  static void create(String username) {
    Response r = server.http.post("/v1/users", server.admin(), new JsonObject().put("username", username)
        .put("email", username + "@uni.example").put("type", "student").put("password", "the-right-password"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  static int login(String field, String login, String password, String address) {
    return server.http.sendWithHeader("POST", "/v1/sessions", "X-Forwarded-For", address,
        new JsonObject().put(field, login).put("password", password).encode()).status();
  }

  @Test
  void failuresUnderUsernameEmailAndOtherForms_allCountAgainstTheOneAccount() {
    create("Thea");
    for (int i = 0; i < 5; i++) assertThat(login("username", "Thea", "wrong-password", "10.1.0." + i)).isEqualTo(401);
    // the same account by email, by another case, by a full-width form, from fresh addresses: still locked
    List<String[]> forms = List.of(new String[] {"email", "thea@uni.example"}, new String[] {"email", "THEA@UNI.EXAMPLE"},
        new String[] {"username", "THEA"}, new String[] {"username", "\uff34hea"}, new String[] {"username", " thea "});
    int n = 0;
    for (String[] form : forms) {
      assertThat(login(form[0], form[1], "wrong-password", "10.2.0." + n++)).as(form[1]).isEqualTo(429);
    }
  }

  @Test
  void anOwnerLockedOutByAnAttackersTrickle_stillGetsInFromAnAddressTheyUsedBefore() {
    create("olive");
    assertThat(login("username", "olive", "the-right-password", "192.0.2.10")).isEqualTo(201);
    for (int i = 0; i < 5; i++) {
      assertThat(login("username", "olive", "guess-" + i, "198.51.100." + i)).isEqualTo(401);
    }
    // locked for everyone else, the attacker's addresses and fresh ones alike
    assertThat(login("username", "olive", "guess-x", "198.51.100.200")).isEqualTo(429);
    assertThat(login("email", "olive@uni.example", "the-right-password", "203.0.113.7")).isEqualTo(429);
    // the owner, from the address they logged in from before
    assertThat(login("username", "olive", "the-right-password", "192.0.2.10")).isEqualTo(201);
    // the attacker keeps trickling; none of it touches the owner's allowance
    for (int i = 0; i < 20; i++) assertThat(login("username", "olive", "guess", "198.51.100." + (50 + i))).isEqualTo(429);
    assertThat(login("username", "olive", "the-right-password", "192.0.2.10")).isEqualTo(201);
    // and the owner's own address has a limit too
    for (int i = 0; i < 5; i++) assertThat(login("username", "olive", "typo", "192.0.2.10")).isEqualTo(401);
    assertThat(login("username", "olive", "the-right-password", "192.0.2.10")).isEqualTo(429);
  }

  @Test
  void unknownLogins_lockLikeRealOnes() {
    for (int i = 0; i < 5; i++) assertThat(login("username", "nobody-at-all", "x-password", "10.9.0." + i)).isEqualTo(401);
    assertThat(login("username", "NOBODY-AT-ALL", "x-password", "10.9.1.1")).isEqualTo(429);
  }

  /** A clock the test moves. */
  static final class Manual extends Clock {
    long millis = 1_000_000;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void keysAreBoundedInMemory_andExpireWithTheWindow() {
    Manual clock = new Manual();
    LoginThrottle t = new LoginThrottle(5, 100, 60_000, clock);
    for (int i = 0; i < 3 * LoginThrottle.MAX_KEYS; i++) {
      t.failed(LoginThrottle.account(null, "user" + i), "2001:db8::" + Integer.toHexString(i));
    }
    assertThat(t.keys()).isLessThanOrEqualTo(5 * LoginThrottle.MAX_KEYS);
    t.failed(LoginThrottle.account(7L, null), "10.0.0.1");
    clock.millis += 61_000;
    assertThat(t.keys()).isZero();
    for (int i = 0; i < 5; i++) t.failed(LoginThrottle.account(8L, null), "10.0.0." + i);
    assertThatThrownBy(() -> t.check(LoginThrottle.account(8L, null), "10.0.1.1"))
        .isInstanceOf(ServiceException.TooManyRequests.class);
    clock.millis += 61_000;
    t.check(LoginThrottle.account(8L, null), "10.0.1.1");
  }
}
