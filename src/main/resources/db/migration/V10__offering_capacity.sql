-- The directory API: an offering gets an optional seat count (the one field a PATCH of an offering can
-- change) and a last-changed time like the other catalogue tables.
ALTER TABLE offerings
    ADD COLUMN capacity   INTEGER     CHECK (capacity IS NULL OR capacity >= 0),
    ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
