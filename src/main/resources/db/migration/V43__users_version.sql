-- One row that says whether the users table changed: the in-memory user search (users.UserSearch) serves a
-- page only when this version is the one its state reflects, read in the statement that reads the page.
-- It replaced max(change_seq), whose backward index scan steps over every entry an uncommitted or
-- rolled-back write left above the last visible one: during a 200,000-user import a search from memory ran
-- at 216/s instead of 5,100/s (docs/PERFORMANCE.md). Every statement that writes users bumps the version,
-- under the changelog's lock (taken first, the order every writer of Provost's takes them in, so no
-- deadlock), so versions commit in order; on a replica the version is the replica's, as of its snapshot.
CREATE TABLE users_version (
    one     BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    version BIGINT  NOT NULL
);
INSERT INTO users_version (version) VALUES (1);

CREATE FUNCTION users_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(31651020445545332);
    UPDATE users_version SET version = version + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER users_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION users_version_bump();
