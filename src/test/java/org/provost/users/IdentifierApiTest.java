package org.provost.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/** One account per identifier, however it is typed (issue 8 item 1; issue 7 item 5). */
class IdentifierApiTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().admin().build();

  static Response create(String username, String email) {
    return server.http.post("/v1/users", server.admin(), new JsonObject().put("username", username).put("email", email)
        .put("type", "student").put("password", "a-good-password"));
  }

  static void assertField(Response r, int status, String field) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(AccessFixture.fields(r)).as(r.toString()).contains(field);
  }

  @Test
  void usernameDifferingOnlyInCase_isTheSameAccount() {
    assertThat(create("Casey", "casey@uni.example").status()).isEqualTo(201);
    assertField(create("casey", "casey2@uni.example"), 409, "username");
    assertField(create("CASEY", "casey3@uni.example"), 409, "username");
    // the admin account made at start-up, too
    assertField(create("Admin", "someone@uni.example"), 409, "username");
  }

  @Test
  void fullWidthUsername_foldsToItsAsciiForm() {
    assertThat(create("fwuser", "fw@uni.example").status()).isEqualTo(201);
    assertField(create("\uff26\uff37user", "fw2@uni.example"), 409, "username");
  }

  @Test
  void decomposedEmail_isTheComposedOne() {
    assertThat(create("jose1", "jos\u00e9@uni.example").status()).isEqualTo(201);
    assertField(create("jose2", "jose\u0301@uni.example"), 409, "email");
    assertField(create("jose3", "JOS\u00c9@UNI.EXAMPLE"), 409, "email");
  }

  @Test
  void surroundingWhiteSpace_includingNoBreakSpace_isRemoved() {
    Response r = create("bob", "bob@uni.example");
    assertThat(r.status()).isEqualTo(201);
    assertField(create("bob2", "bob@uni.example\u00a0"), 409, "email");
    assertField(create("\u2003bob ", "bob3@uni.example"), 409, "username");
    Response spaced = create(" robin\u00a0", "\u00a0robin@uni.example ");
    assertThat(spaced.status()).as(spaced.toString()).isEqualTo(201);
    assertThat(spaced.json().getString("username")).isEqualTo("robin");
    assertThat(spaced.json().getString("email")).isEqualTo("robin@uni.example");
  }

  @Test
  void controlNulAndInvisibleCharacters_areRefusedNamingTheField() {
    for (String bad : List.of("ev\u0000e", "ev\u0007e", "ev\u200be", "ev\u200de", "ev\u00ade", "ev\u202ee",
        "ev\ufeffe", "ev\u2028e")) {
      assertField(create(bad, "eve" + bad.codePointAt(2) + "@uni.example"), 400, "username");
      assertField(create("eve" + bad.codePointAt(2), bad + "@uni.example"), 400, "email");
    }
    long id = create("dana", "dana@uni.example").json().getLong("id");
    assertField(server.http.patch("/v1/users/" + id, server.admin(), new JsonObject().put("email", "da\u200bna@uni.example")),
        400, "email");
  }

  @Test
  void allDigitUsernames_areRefusedAtCreateAndUpdate() {
    assertField(create("12345", "digits@uni.example"), 400, "username");
    assertField(create("\uff11\uff12", "digits2@uni.example"), 400, "username"); // full-width digits fold to 12
    long id = create("numbers9", "numbers9@uni.example").json().getLong("id");
    assertField(server.http.patch("/v1/users/" + id, server.admin(), new JsonObject().put("username", "1")), 400, "username");
    assertThat(create("1a", "digits3@uni.example").status()).isEqualTo(201);
  }

  @Test
  void loginByAnyFormOfTheIdentifier_findsTheOneAccount() {
    long id = create("Zoe.Q", "Zo\u00eb@Uni.example").json().getLong("id");
    for (String login : List.of("Zoe.Q", "zoe.q", "ZOE.Q", " zoe.q\u00a0", "\uff3aoe.q", "zo\u00eb@uni.example",
        "ZOE\u0308@UNI.EXAMPLE", "zoe\u0308@uni.example\u00a0")) {
      Response r = server.http.post("/v1/sessions", null,
          new JsonObject().put(login.contains("@") ? "email" : "username", login).put("password", "a-good-password"));
      assertThat(r.status()).as(login + ": " + r).isEqualTo(201);
      assertThat(r.json().getJsonObject("user").getLong("id")).isEqualTo(id);
    }
  }

  @Test
  void checkSubject_byAnyCaseOfTheUsername_isThatUser() {
    long id = create("Checker", "checker@uni.example").json().getLong("id");
    // explain answers 404 for an unknown subject, so it tells whether the subject was found
    for (String subject : List.of("Checker", "checker", "CHECKER", String.valueOf(id))) {
      Response r = server.http.get("/v1/check/explain?subject=" + subject + "&permission=users.read", server.admin());
      assertThat(r.status()).as(subject + ": " + r).isEqualTo(200);
    }
    assertThat(server.http.get("/v1/check/explain?subject=nobody-here&permission=users.read", server.admin()).status())
        .isEqualTo(404);
  }
}
