-- The users change feed's safety-net trigger (V21) compared whole rows in its WHEN clause
-- (NEW IS DISTINCT FROM OLD). Since V41 added generated columns to users, PostgreSQL refuses such a WHEN
-- clause when the trigger is created ("BEFORE trigger's WHEN condition cannot reference NEW generated
-- columns"): a database migrated in place kept the trigger, but pg_dump's output of it could not be restored
-- (the trigger was lost, silently unless the restore stops on errors). In a BEFORE trigger the generated
-- columns of NEW are not computed yet, so the comparison also held for an UPDATE that changed nothing.
-- Now the trigger's WHEN compares change_seq alone, and the function compares the rows without their
-- generated columns (read from the catalog, so a generated column added later needs no change here).
CREATE OR REPLACE FUNCTION users_renumber_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    generated text[] := ARRAY(SELECT attname::text FROM pg_attribute
        WHERE attrelid = TG_RELID AND attgenerated <> '' AND NOT attisdropped);
BEGIN
    IF (to_jsonb(NEW) - generated) IS NOT DISTINCT FROM (to_jsonb(OLD) - generated) THEN
        RETURN NEW; -- nothing changed: no new number, the change feed shows nothing
    END IF;
    PERFORM pg_advisory_xact_lock(31651020445545332);
    NEW.change_seq := nextval('users_change_seq');
    RETURN NEW;
END $$;
DROP TRIGGER users_change_seq_bump ON users;
CREATE TRIGGER users_change_seq_bump BEFORE UPDATE ON users
    FOR EACH ROW WHEN (NEW.change_seq = OLD.change_seq)
    EXECUTE FUNCTION users_renumber_change();
