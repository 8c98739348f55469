-- History as time ranges (issue 11): "who could do X on Y at instant T, through which grant" is a query.
-- Each *_history table holds versions of the rows of its source table that matter to an authorization
-- answer, valid over [from_at, to_at) (to_at NULL: still current). Triggers on the source tables write them
-- in the same transaction as the change, so no write path (API, import, seed, psql) can forget one; a
-- rolled-back change leaves none. Rows are never deleted; the only update closes an open range.
-- The instant recorded is clock_timestamp() when the changing statement ran (after it took the changelog
-- lock, so versions of a row follow the order the writes were serialized in), to the microsecond.

CREATE TABLE grant_history (
    id          BIGINT      NOT NULL,
    user_id     BIGINT      NOT NULL,
    role_id     BIGINT      NOT NULL,
    scope_type  SMALLINT    NOT NULL,
    scope_id    BIGINT,
    valid_from  TIMESTAMPTZ,
    valid_until TIMESTAMPTZ,
    reason      TEXT        NOT NULL,
    granted_by  BIGINT,
    from_at     TIMESTAMPTZ NOT NULL,
    to_at       TIMESTAMPTZ
);
CREATE TABLE role_history (
    id      BIGINT      NOT NULL,
    name    TEXT        NOT NULL,
    builtin BOOLEAN     NOT NULL,
    from_at TIMESTAMPTZ NOT NULL,
    to_at   TIMESTAMPTZ
);
CREATE TABLE role_permission_history (
    role_id       BIGINT      NOT NULL,
    permission_id BIGINT      NOT NULL,
    from_at       TIMESTAMPTZ NOT NULL,
    to_at         TIMESTAMPTZ
);
CREATE TABLE role_include_history (
    role_id          BIGINT      NOT NULL,
    included_role_id BIGINT      NOT NULL,
    from_at          TIMESTAMPTZ NOT NULL,
    to_at            TIMESTAMPTZ
);
CREATE TABLE department_history (
    id        BIGINT      NOT NULL,
    code      TEXT        NOT NULL,
    parent_id BIGINT,
    from_at   TIMESTAMPTZ NOT NULL,
    to_at     TIMESTAMPTZ
);
CREATE TABLE course_history (
    id            BIGINT      NOT NULL,
    code          TEXT        NOT NULL,
    department_id BIGINT      NOT NULL,
    from_at       TIMESTAMPTZ NOT NULL,
    to_at         TIMESTAMPTZ
);
CREATE TABLE term_history (
    id      BIGINT      NOT NULL,
    code    TEXT        NOT NULL,
    from_at TIMESTAMPTZ NOT NULL,
    to_at   TIMESTAMPTZ
);
CREATE TABLE offering_history (
    id        BIGINT      NOT NULL,
    course_id BIGINT      NOT NULL,
    term_id   BIGINT      NOT NULL,
    from_at   TIMESTAMPTZ NOT NULL,
    to_at     TIMESTAMPTZ
);
CREATE TABLE user_history (
    id            BIGINT      NOT NULL,
    username      TEXT        NOT NULL,
    display_name  TEXT        NOT NULL,
    type          TEXT        NOT NULL,
    department_id BIGINT,
    is_active     BOOLEAN     NOT NULL,
    from_at       TIMESTAMPTZ NOT NULL,
    to_at         TIMESTAMPTZ
);

-- When history began: answers for earlier instants say history_complete=false.
CREATE TABLE history_start (
    began_at TIMESTAMPTZ NOT NULL
);
INSERT INTO history_start (began_at) VALUES (clock_timestamp());

-- Back-fill what exists now, from each row's created time (the best known; a role's permissions and
-- includes from the role's created time, though they may have changed since: hence history_complete).
INSERT INTO grant_history SELECT id, user_id, role_id, scope_type, scope_id, valid_from, valid_until, reason,
    granted_by, created_at, NULL FROM grants;
INSERT INTO role_history SELECT id, name, builtin, created_at, NULL FROM roles;
INSERT INTO role_permission_history SELECT rp.role_id, rp.permission_id, r.created_at, NULL
    FROM role_permissions rp JOIN roles r ON r.id = rp.role_id;
INSERT INTO role_include_history SELECT ri.role_id, ri.included_role_id, r.created_at, NULL
    FROM role_includes ri JOIN roles r ON r.id = ri.role_id;
INSERT INTO department_history SELECT id, code, parent_id, created_at, NULL FROM departments;
INSERT INTO course_history SELECT id, code, department_id, created_at, NULL FROM courses;
INSERT INTO term_history SELECT id, code, created_at, NULL FROM terms;
INSERT INTO offering_history SELECT id, course_id, term_id, created_at, NULL FROM offerings;
INSERT INTO user_history SELECT id, username, display_name, type, department_id, is_active, created_at, NULL
    FROM users;

-- Lookups at an instant: a key's versions by start; closing finds the open version of a key.
CREATE INDEX grant_history_id_idx ON grant_history (id) WHERE to_at IS NULL;
CREATE INDEX grant_history_user_idx ON grant_history (user_id, from_at);
-- access review: the holders of one role in one scope, in user order (a page is a merge of such ranges)
CREATE INDEX grant_history_role_scope_user_idx ON grant_history (role_id, scope_type, (coalesce(scope_id, 0)),
    user_id);
CREATE INDEX role_history_id_idx ON role_history (id, from_at);
CREATE INDEX role_permission_history_role_idx ON role_permission_history (role_id, permission_id, from_at);
CREATE INDEX role_permission_history_permission_idx ON role_permission_history (permission_id, from_at);
CREATE INDEX role_include_history_role_idx ON role_include_history (role_id, included_role_id, from_at);
CREATE INDEX department_history_id_idx ON department_history (id, from_at);
CREATE INDEX department_history_code_idx ON department_history (code, from_at);
CREATE INDEX course_history_id_idx ON course_history (id, from_at);
CREATE INDEX course_history_code_idx ON course_history (code, from_at);
CREATE INDEX term_history_id_idx ON term_history (id, from_at);
CREATE INDEX term_history_code_idx ON term_history (code, from_at);
CREATE INDEX offering_history_id_idx ON offering_history (id, from_at);
CREATE INDEX offering_history_course_term_idx ON offering_history (course_id, term_id, from_at);
CREATE INDEX user_history_id_idx ON user_history (id, from_at);

-- Three trigger functions per source table, each run once per statement over its transition tables, with
-- static SQL (PL/pgSQL keeps its plans: a grant or revoke pays a few tens of microseconds, a bulk load one
-- INSERT ... SELECT). history_track writes them from: the history table, the key columns (NOT NULL,
-- compared with = so the indexes on (key, from_at) find the open version), the kept columns (keys included).
-- INSERT opens a version of each new row; DELETE closes the open version of each old row; UPDATE closes
-- and reopens only the rows whose kept columns changed (an update of a password hash writes nothing).
-- A version closed in the statement that opened it gets to_at = from_at: an empty range no instant is in.
CREATE PROCEDURE history_track(source TEXT, hist TEXT, keys TEXT, cols TEXT) LANGUAGE plpgsql AS $$
DECLARE
    match TEXT;
    body  TEXT;
BEGIN
    SELECT string_agg(format('h.%1$I = o.%1$I', k), ' AND ') INTO match
    FROM unnest(string_to_array(keys, ',')) k;
    body := format('INSERT INTO %I (%s, from_at) SELECT %s, ts FROM new_rows;', hist, cols, cols);
    EXECUTE format('CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS %L', source || '_history_insert',
        'DECLARE ts TIMESTAMPTZ := clock_timestamp(); BEGIN ' || body || ' RETURN NULL; END');
    body := format('UPDATE %I h SET to_at = greatest(h.from_at, ts) FROM old_rows o WHERE %s AND h.to_at IS NULL;',
        hist, match);
    EXECUTE format('CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS %L', source || '_history_delete',
        'DECLARE ts TIMESTAMPTZ := clock_timestamp(); BEGIN ' || body || ' RETURN NULL; END');
    body := format('UPDATE %I h SET to_at = greatest(h.from_at, ts)'
            || ' FROM (SELECT %s FROM old_rows EXCEPT SELECT %s FROM new_rows) o WHERE %s AND h.to_at IS NULL;'
            || ' INSERT INTO %I (%s, from_at) SELECT %s, ts FROM (SELECT %s FROM new_rows EXCEPT SELECT %s FROM old_rows) n;',
        hist, cols, cols, match, hist, cols, cols, cols, cols);
    EXECUTE format('CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS %L', source || '_history_update',
        'DECLARE ts TIMESTAMPTZ := clock_timestamp(); BEGIN ' || body || ' RETURN NULL; END');
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows'
        || ' FOR EACH STATEMENT EXECUTE FUNCTION %I()', source || '_history_insert', source, source || '_history_insert');
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows'
        || ' FOR EACH STATEMENT EXECUTE FUNCTION %I()', source || '_history_update', source, source || '_history_update');
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows'
        || ' FOR EACH STATEMENT EXECUTE FUNCTION %I()', source || '_history_delete', source, source || '_history_delete');
END $$;

CALL history_track('grants', 'grant_history', 'id',
    'id,user_id,role_id,scope_type,scope_id,valid_from,valid_until,reason,granted_by');
CALL history_track('roles', 'role_history', 'id', 'id,name,builtin');
CALL history_track('role_permissions', 'role_permission_history', 'role_id,permission_id', 'role_id,permission_id');
CALL history_track('role_includes', 'role_include_history', 'role_id,included_role_id', 'role_id,included_role_id');
CALL history_track('departments', 'department_history', 'id', 'id,code,parent_id');
CALL history_track('courses', 'course_history', 'id', 'id,code,department_id');
CALL history_track('terms', 'term_history', 'id', 'id,code');
CALL history_track('offerings', 'offering_history', 'id', 'id,course_id,term_id');
CALL history_track('users', 'user_history', 'id', 'id,username,display_name,type,department_id,is_active');
DROP PROCEDURE history_track(TEXT, TEXT, TEXT, TEXT);

-- Who may review access (GET /v1/access-review, GET /v1/users/{id}/access); the built-in admin role holds
-- every permission, this one too.
INSERT INTO permissions (name, description, builtin) VALUES
    ('access.review', 'review who held which permission where, now or at a past instant', TRUE);
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r JOIN permissions p ON p.name = 'access.review'
WHERE r.name = 'admin' AND r.builtin
ON CONFLICT DO NOTHING;
