package org.provost.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.testing.MigratedDatabase;

class ImporterTest {
  static final String HEADER = "external_id,username,email,given_name,family_name,type,department,active,verified\n";
  static final Importer.Options APPLY = new Importer.Options(false, false, false);
  MigratedDatabase d;

  @BeforeEach
  void database() {
    d = MigratedDatabase.create();
    d.db.write(c -> Jdbc.update(c, "INSERT INTO departments (code, name) VALUES ('CS', 'Computer Science'),"
        + " ('MATH', 'Mathematics')"));
  }

  @AfterEach
  void drop() {
    d.close();
  }

  ImportReport run(String csv, Importer.Options options) {
    ImportFile file;
    try {
      file = ImportFile.read(new StringReader(csv));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return d.db.write(c -> Importer.run(c, file, options, new Importer.Actor(null, "test", "test.csv")));
  }

  String user(String externalId) {
    return d.db.readPrimary(c -> Jdbc.one(c, """
        SELECT u.username || '|' || u.email || '|' || u.display_name || '|' || u.type || '|'
               || coalesce(d.code, '-') || '|' || u.is_active || '|' || u.is_verified
        FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE u.external_id = ?""",
        rs -> rs.getString(1), externalId).orElse(null));
  }

  /** users, changelog rows and audit events, as one number: anything written changes it. */
  long footprint() {
    return d.count("SELECT (SELECT count(*) FROM users) * 1000000 + (SELECT count(*) FROM changelog) * 1000"
        + " + (SELECT count(*) FROM audit_events)") * 31 + d.count("SELECT coalesce(sum(hashtext(u::text)), 0)"
        + " FROM users u");
  }

  @Test
  void newRows_createUsers_withoutPassword() {
    ImportReport r = run(HEADER + """
        S1,jdoe,jdoe@example.edu,Jane,Doe,student,CS,true,true
        S2,asmith,asmith@example.edu,"Ann, Marie","Smith ""Jr""\",faculty,,,
        """, APPLY);
    assertThat(r.counts().encode()).isEqualTo(
        "{\"created\":2,\"updated\":0,\"unchanged\":0,\"deactivated\":0,\"invalid\":0}");
    assertThat(user("S1")).isEqualTo("jdoe|jdoe@example.edu|Jane Doe|student|CS|true|true");
    assertThat(user("S2")).isEqualTo("asmith|asmith@example.edu|Ann, Marie Smith \"Jr\"|faculty|-|true|false");
    assertThat(d.count("SELECT count(*) FROM users WHERE password_hash IS NOT NULL")).isZero();
    JsonArray created = r.toJson().getJsonObject("samples").getJsonArray("created");
    assertThat(created.getJsonObject(0).getInteger("line")).isEqualTo(2);
    assertThat(created.getJsonObject(1).getString("username")).isEqualTo("asmith");
  }

  @Test
  void sameFileTwice_secondRunChangesNothing() {
    String csv = HEADER + "S1,jdoe,jdoe@example.edu,Jane,Doe,student,CS,true,true\n";
    run(csv, APPLY);
    long before = d.count("SELECT count(*) FROM changelog");
    ImportReport again = run(csv, APPLY);
    assertThat(again.unchanged()).isEqualTo(1);
    assertThat(again.created() + again.updated()).isZero();
    assertThat(d.count("SELECT count(*) FROM changelog")).isEqualTo(before);
  }

  @Test
  void changedRow_updatesTheGivenFields_leavesMissingColumnsAlone_andReportsTheChanges() {
    run(HEADER + "S1,jdoe,jdoe@example.edu,Jane,Doe,student,CS,true,false\n", APPLY);
    ImportReport r = run("external_id,email,verified,given_name,family_name\n"
        + "S1,jane.doe@example.edu,true,Jane,Doe\n", APPLY);
    assertThat(r.updated()).isEqualTo(1);
    assertThat(user("S1")).isEqualTo("jdoe|jane.doe@example.edu|Jane Doe|student|CS|true|true");
    JsonObject changes = r.toJson().getJsonObject("samples").getJsonArray("updated").getJsonObject(0)
        .getJsonObject("changes");
    assertThat(changes.fieldNames()).containsExactlyInAnyOrder("email", "verified");
    assertThat(changes.getJsonObject("email").getString("from")).isEqualTo("jdoe@example.edu");
    assertThat(changes.getJsonObject("email").getString("to")).isEqualTo("jane.doe@example.edu");
  }

  @Test
  void snapshot_deactivatesActiveUsersMissingFromTheFile_endsTheirSessions_andDeletesNobody() {
    run(HEADER + """
        S1,one,one@example.edu,,,student,,,
        S2,two,two@example.edu,,,student,,,
        S3,three,three@example.edu,,,student,,,
        """, APPLY);
    d.db.write(c -> {
      Jdbc.update(c, "INSERT INTO users (username, email, username_key, email_key, type)"
          + " VALUES ('local', 'local@example.edu', 'local', 'local@example.edu', 'staff')");
      return Jdbc.update(c, "INSERT INTO sessions (token_hash, user_id, expires_at) SELECT '\\x01'::bytea, id,"
          + " now() + interval '1 hour' FROM users WHERE external_id = 'S3'");
    });
    ImportReport r = run("external_id\nS1\nS2\n", new Importer.Options(false, true, false));
    assertThat(r.deactivated()).isEqualTo(1);
    assertThat(r.unchanged()).isEqualTo(2);
    assertThat(user("S3")).endsWith("|false|false");
    assertThat(d.count("SELECT count(*) FROM users")).isEqualTo(4);
    assertThat(d.count("SELECT count(*) FROM users WHERE username = 'local' AND is_active")).isEqualTo(1);
    assertThat(d.count("SELECT count(*) FROM sessions WHERE revoked_at IS NULL")).isZero();
    assertThat(d.count("SELECT count(*) FROM changelog c JOIN users u ON u.id::text = c.entity_id"
        + " WHERE c.entity = 'user' AND c.op = 'deactivate' AND u.external_id = 'S3'")).isEqualTo(1);
    assertThat(r.toJson().getJsonObject("samples").getJsonArray("deactivated").getJsonObject(0)
        .getString("username")).isEqualTo("three");
  }

  @Test
  void rowSettingActiveFalse_deactivatesAndEndsTheSessions_andActiveTrueReactivates() {
    run(HEADER + "S1,one,one@example.edu,,,student,,,\n", APPLY);
    d.db.write(c -> Jdbc.update(c, "INSERT INTO sessions (token_hash, user_id, expires_at) SELECT '\\x02'::bytea,"
        + " id, now() + interval '1 hour' FROM users WHERE external_id = 'S1'"));
    ImportReport off = run("external_id,active\nS1,false\n", APPLY);
    assertThat(off.updated()).isEqualTo(1);
    assertThat(off.deactivated()).isZero();
    assertThat(user("S1")).endsWith("|false|false");
    assertThat(d.count("SELECT count(*) FROM sessions WHERE revoked_at IS NULL")).isZero();
    assertThat(d.count("SELECT count(*) FROM changelog WHERE entity = 'user' AND op = 'deactivate'")).isEqualTo(1);

    assertThat(run("external_id\nS1\n", new Importer.Options(false, true, false)).unchanged()).isEqualTo(1);
    assertThat(user("S1")).endsWith("|false|false");
    assertThat(run("external_id,active\nS1,TRUE\n", APPLY).updated()).isEqualTo(1);
    assertThat(user("S1")).endsWith("|true|false");
  }

  @Test
  void dryRun_reportsWhatWouldChange_andChangesNothing() {
    run(HEADER + "S1,one,one@example.edu,,,student,,,\nS2,two,two@example.edu,,,student,,,\n", APPLY);
    long before = footprint();
    ImportReport r = run(HEADER + "S1,one,one@example.edu,,,faculty,,,\nS9,nine,nine@example.edu,,,staff,,,\n",
        new Importer.Options(true, true, false));
    assertThat(r.counts().encode()).isEqualTo(
        "{\"created\":1,\"updated\":1,\"unchanged\":0,\"deactivated\":1,\"invalid\":0}");
    assertThat(r.applied()).isFalse();
    assertThat(r.toJson().getValue("revision")).isNull();
    assertThat(footprint()).isEqualTo(before);
  }

  @Test
  void invalidRows_rejectTheWholeFile_eachWithItsLineFieldAndReason() {
    long before = footprint();
    ImportReport r = run(HEADER + """
        S1,good,good@example.edu,,,student,CS,,
        S2,bad-email,not-an-email,,,student,,,
        S3,badtype,badtype@example.edu,,,wizard,,yes,
        S4,nodept,nodept@example.edu,,,student,PHYS,,
        S1,again,again@example.edu,,,student,,,
        S5,good,other@example.edu,,,student,,,
        S6,short,row
        """, APPLY);
    assertThat(r.rejected()).isTrue();
    assertThat(r.invalid()).isEqualTo(6);
    assertThat(footprint()).isEqualTo(before);
    JsonArray invalid = r.toJson().getJsonArray("invalid");
    assertThat(invalid.stream().map(o -> ((JsonObject) o).getInteger("line"))).containsExactly(3, 4, 5, 6, 7, 8);
    assertThat(invalid.getJsonObject(0).getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("email");
    assertThat(fields(invalid.getJsonObject(1))).containsExactly("type", "active");
    assertThat(fields(invalid.getJsonObject(2))).containsExactly("department");
    assertThat(invalid.getJsonObject(3).encode()).contains("\"field\":\"external_id\"", "first on line 2");
    assertThat(invalid.getJsonObject(4).encode()).contains("\"field\":\"username\"", "first on line 2");
    assertThat(invalid.getJsonObject(5).encode()).contains("\"field\":\"row\"", "has 3 fields");
    assertThat(r.rejection().errors().get(0).field()).isEqualTo("line[3].email");
  }

  static java.util.List<String> fields(JsonObject invalidRow) {
    return invalidRow.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")).toList();
  }

  @Test
  void skipInvalid_appliesTheValidRows() {
    ImportReport r = run(HEADER + """
        S1,good,good@example.edu,,,student,CS,,
        S2,bad,not-an-email,,,student,,,
        """, new Importer.Options(false, false, true));
    assertThat(r.applied()).isTrue();
    assertThat(r.created()).isEqualTo(1);
    assertThat(r.invalid()).isEqualTo(1);
    assertThat(user("S1")).startsWith("good|");
    assertThat(user("S2")).isNull();
  }

  @Test
  void usernameOrEmailOfAnotherExistingUser_isInvalid() {
    d.db.write(c -> Jdbc.update(c, "INSERT INTO users (username, email, username_key, email_key, type)"
        + " VALUES ('taken', 'Taken@Example.edu', 'taken', 'taken@example.edu', 'staff')"));
    ImportReport r = run(HEADER + "S1,taken,new@example.edu,,,student,,,\nS2,free,taken@example.edu,,,student,,,\n",
        APPLY);
    assertThat(r.invalid()).isEqualTo(2);
    JsonArray invalid = r.toJson().getJsonArray("invalid");
    assertThat(invalid.getJsonObject(0).encode()).contains("\"field\":\"username\"", "already used by user");
    assertThat(invalid.getJsonObject(1).encode()).contains("\"field\":\"email\"", "already used by user");
  }

  @Test
  void newUser_withoutUsernameEmailOrType_isInvalid() {
    ImportReport r = run("external_id,given_name\nS1,Jane\n", APPLY);
    assertThat(fields(r.toJson().getJsonArray("invalid").getJsonObject(0)))
        .containsExactly("username", "email", "type");
  }

  @Test
  void appliedImport_recordsOneAuditEventWithCounts_andOneBulkChangelogRow() {
    ImportReport r = run(HEADER + "S1,one,one@example.edu,,,student,,,\n", APPLY);
    assertThat(d.count("SELECT count(*) FROM audit_events WHERE action = 'import.run' AND actor = 'test'"
        + " AND target_id = 'test.csv' AND (after -> 'counts' ->> 'created')::int = 1")).isEqualTo(1);
    assertThat(d.count("SELECT count(*) FROM changelog WHERE entity = 'bulk' AND entity_id = 'import'"
        + " AND revision = ?", r.toJson().getLong("revision"))).isEqualTo(1);
  }

  @Test
  void header_withUnknownOrMissingColumns_isRejectedNamingThem() {
    assertThatThrownBy(() -> ImportFile.read(new StringReader("username,shoe_size,email,email\nx,1,a,b\n")))
        .isInstanceOfSatisfying(ServiceException.InvalidInput.class, e -> assertThat(e.errors())
            .extracting(ServiceException.FieldError::field).containsExactly("shoe_size", "email", "external_id"));
    assertThatThrownBy(() -> ImportFile.read(new StringReader("")))
        .isInstanceOfSatisfying(ServiceException.InvalidInput.class,
            e -> assertThat(e.errors().get(0).field()).isEqualTo("header"));
  }

  @Test
  void values_withLineBreaks_areInvalid_evenWhenQuoted() {
    ImportReport r = run(HEADER + "S1,one,one@example.edu,\"Two\nLines\",,student,,,\n"
        + "S2,two,two@example.edu,,,student,,,\n", APPLY);
    JsonObject invalid = r.toJson().getJsonArray("invalid").getJsonObject(0);
    assertThat(invalid.getInteger("line")).isEqualTo(2);
    assertThat(fields(invalid)).containsExactly("given_name");
    assertThat(d.count("SELECT count(*) FROM users")).isZero();
  }

  @Test
  void identifiers_foldAsInTheApi_andAllDigitUsernamesAreInvalid() {
    run(HEADER + "S1,Folded,Folded@Example.edu,,,student,,,\n", APPLY);
    ImportReport r = run(HEADER + """
        S2,folded,other@example.edu,,,student,,,
        S3,another,folded@EXAMPLE.edu\u00a0,,,student,,,
        S4,4242,digits@example.edu,,,student,,,
        S5,zw\u200bsp,zwsp@example.edu,,,student,,,
        S6,Twin,twin@example.edu,,,student,,,
        S7,TWIN,twin2@example.edu,,,student,,,
        """, new Importer.Options(false, false, true));
    JsonArray invalid = r.toJson().getJsonArray("invalid");
    java.util.Map<String, String> fieldByExternalId = new java.util.HashMap<>();
    for (int i = 0; i < invalid.size(); i++) {
      JsonObject row = invalid.getJsonObject(i);
      fieldByExternalId.put(row.getString("external_id"), row.getJsonArray("errors").getJsonObject(0).getString("field"));
    }
    assertThat(fieldByExternalId).containsEntry("S2", "username").containsEntry("S3", "email")
        .containsEntry("S4", "username").containsEntry("S5", "username").containsEntry("S7", "username")
        .doesNotContainKey("S6");
    assertThat(user("S6")).startsWith("Twin|");
    assertThat(d.count("SELECT count(*) FROM users WHERE username_key = 'folded'")).isEqualTo(1);
  }
}
