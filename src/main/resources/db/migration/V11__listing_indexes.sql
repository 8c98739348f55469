-- Filtered listings page in id order (keyset: WHERE id > cursor ORDER BY id LIMIT n). With the filter
-- column first and id second, each page is one index range scan, however rare the filtered value.
CREATE INDEX users_type_id_idx ON users (type, id);
CREATE INDEX users_department_id_id_idx ON users (department_id, id);
CREATE INDEX users_active_verified_id_idx ON users (is_active, is_verified, id);
-- superseded by the two above (same leading column)
DROP INDEX users_type_idx;
DROP INDEX users_department_idx;
