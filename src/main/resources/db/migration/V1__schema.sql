-- Provost schema: the whole domain of DESIGN.md. PostgreSQL is the single source of truth.

-- Every committed write that can change an authorization answer appends here in its own transaction;
-- the row's id is the global revision. Instances apply changes in revision order.
CREATE TABLE changelog (
    revision    BIGSERIAL PRIMARY KEY,
    entity      TEXT        NOT NULL,
    entity_id   TEXT        NOT NULL,
    op          TEXT        NOT NULL,
    at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE departments (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT        NOT NULL UNIQUE,
    name        TEXT        NOT NULL,
    parent_id   BIGINT      REFERENCES departments (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX departments_parent_idx ON departments (parent_id);

CREATE TABLE courses (
    id            BIGSERIAL PRIMARY KEY,
    code          TEXT        NOT NULL UNIQUE,
    title         TEXT        NOT NULL,
    department_id BIGINT      NOT NULL REFERENCES departments (id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX courses_department_idx ON courses (department_id);

CREATE TABLE terms (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT        NOT NULL UNIQUE,
    name        TEXT        NOT NULL,
    starts_on   DATE        NOT NULL,
    ends_on     DATE        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
);

CREATE TABLE offerings (
    id          BIGSERIAL PRIMARY KEY,
    course_id   BIGINT      NOT NULL REFERENCES courses (id),
    term_id     BIGINT      NOT NULL REFERENCES terms (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (course_id, term_id)
);
CREATE INDEX offerings_term_idx ON offerings (term_id);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT        NOT NULL,
    email         TEXT        NOT NULL,
    display_name  TEXT        NOT NULL DEFAULT '',
    type          TEXT        NOT NULL CHECK (type IN ('student', 'faculty', 'staff', 'affiliate')),
    department_id BIGINT      REFERENCES departments (id),
    external_id   TEXT,
    is_active     BOOLEAN     NOT NULL DEFAULT TRUE,
    is_verified   BOOLEAN     NOT NULL DEFAULT FALSE,
    password_hash TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE UNIQUE INDEX users_external_id_key ON users (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX users_active_verified_idx ON users (is_active, is_verified);
CREATE INDEX users_department_idx ON users (department_id);
CREATE INDEX users_type_idx ON users (type);
-- prefix search (q=) on username, email and display name
CREATE INDEX users_username_prefix_idx ON users (lower(username) text_pattern_ops);
CREATE INDEX users_email_prefix_idx ON users (lower(email) text_pattern_ops);
CREATE INDEX users_display_name_prefix_idx ON users (lower(display_name) text_pattern_ops);

CREATE TABLE permissions (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT        NOT NULL UNIQUE,
    description TEXT        NOT NULL DEFAULT '',
    builtin     BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE roles (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT        NOT NULL UNIQUE,
    description TEXT        NOT NULL DEFAULT '',
    builtin     BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE role_permissions (
    role_id       BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission_id BIGINT NOT NULL REFERENCES permissions (id),
    PRIMARY KEY (role_id, permission_id)
);
CREATE INDEX role_permissions_permission_idx ON role_permissions (permission_id);

CREATE TABLE role_includes (
    role_id          BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    included_role_id BIGINT NOT NULL REFERENCES roles (id),
    PRIMARY KEY (role_id, included_role_id),
    CHECK (role_id <> included_role_id)
);
CREATE INDEX role_includes_included_idx ON role_includes (included_role_id);

-- scope_type: 0 global, 1 department, 2 course, 3 offering; scope_id names the row (NULL for global)
CREATE TABLE grants (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT      NOT NULL REFERENCES users (id),
    role_id     BIGINT      NOT NULL REFERENCES roles (id),
    scope_type  SMALLINT    NOT NULL CHECK (scope_type BETWEEN 0 AND 3),
    scope_id    BIGINT,
    valid_from  TIMESTAMPTZ,
    valid_until TIMESTAMPTZ,
    reason      TEXT        NOT NULL DEFAULT '',
    granted_by  BIGINT      REFERENCES users (id),
    revision    BIGINT      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((scope_type = 0) = (scope_id IS NULL)),
    CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from)
);
CREATE INDEX grants_user_idx ON grants (user_id);
CREATE INDEX grants_role_idx ON grants (role_id);
CREATE INDEX grants_scope_idx ON grants (scope_type, scope_id);

CREATE TABLE sessions (
    id           BIGSERIAL PRIMARY KEY,
    token_hash   BYTEA       NOT NULL UNIQUE,
    user_id      BIGINT      NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- API keys for campus applications; a client holds permissions directly, on global scope.
CREATE TABLE api_clients (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT        NOT NULL UNIQUE,
    key_hash    BYTEA       NOT NULL UNIQUE,
    key_prefix  TEXT        NOT NULL,
    created_by  BIGINT      REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ
);

CREATE TABLE api_client_permissions (
    client_id     BIGINT NOT NULL REFERENCES api_clients (id) ON DELETE CASCADE,
    permission_id BIGINT NOT NULL REFERENCES permissions (id),
    PRIMARY KEY (client_id, permission_id)
);

-- append-only: the application never updates or deletes these rows
CREATE TABLE audit_events (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_id    BIGINT,
    actor       TEXT        NOT NULL,
    action      TEXT        NOT NULL,
    target_type TEXT        NOT NULL,
    target_id   TEXT        NOT NULL,
    before      JSONB,
    after       JSONB
);
CREATE INDEX audit_actor_idx ON audit_events (actor, id);
CREATE INDEX audit_target_idx ON audit_events (target_type, target_id, id);
CREATE INDEX audit_action_idx ON audit_events (action, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
