-- Feeds a reader can follow with a cursor and never miss a row: GET /v1/audit?after= and
-- GET /v1/users/changes?after=. A row's number must be taken in commit order, or a row numbered 5 can commit
-- after a reader has already moved past 6. So every writer numbers its audit events and user changes while
-- holding the changelog's transaction lock (pg_advisory_xact_lock(31651020445545332), the same key as
-- db/Changelog.java, so no new lock order): the number taken under the lock commits before the next
-- writer can take one.

-- users: change_seq is the users change feed's cursor. Inserts take it from the default; every UPDATE the
-- application writes sets it from the sequence itself (after taking the lock). The trigger is a safety net
-- for any other UPDATE: it fires only when change_seq was left unchanged, takes the lock and renumbers the row.
CREATE SEQUENCE users_change_seq;
ALTER TABLE users ADD COLUMN change_seq BIGINT;
UPDATE users SET change_seq = nextval('users_change_seq') WHERE change_seq IS NULL;
ALTER TABLE users ALTER COLUMN change_seq SET DEFAULT nextval('users_change_seq'),
                  ALTER COLUMN change_seq SET NOT NULL;
ALTER SEQUENCE users_change_seq OWNED BY users.change_seq;
CREATE UNIQUE INDEX users_change_seq_key ON users (change_seq);

CREATE FUNCTION users_renumber_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(31651020445545332);
    NEW.change_seq := nextval('users_change_seq');
    RETURN NEW;
END $$;
CREATE TRIGGER users_change_seq_bump BEFORE UPDATE ON users
    FOR EACH ROW WHEN (NEW.change_seq = OLD.change_seq AND NEW IS DISTINCT FROM OLD)
    EXECUTE FUNCTION users_renumber_change();

-- audit: who acted, by id (the name recorded is the name at that time); filters accept either
CREATE INDEX audit_actor_id_idx ON audit_events (actor_id, id);
