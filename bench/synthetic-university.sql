-- A synthetic university straight in SQL, for index footprint and cold-start measurements:
-- :users users (80% students, 15% faculty, 5% staff), 3 grants each (a global role, a department role,
-- a term-bound role on an offering). Run on a migrated, empty Provost database:
--   psql -v users=1000000 -f bench/synthetic-university.sql postgresql://postgres@127.0.0.1/provost_1m
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO departments (code, name) SELECT 'S' || s, 'School ' || s FROM generate_series(1, 5) s;
INSERT INTO departments (code, name, parent_id)
  SELECT 'D' || d, 'Department ' || d, (SELECT id FROM departments WHERE code = 'S' || (1 + d % 5))
  FROM generate_series(1, 60) d;
INSERT INTO courses (code, title, department_id)
  SELECT 'C' || c, 'Course ' || c, (SELECT id FROM departments WHERE code = 'D' || (1 + c % 60))
  FROM generate_series(1, 3000) c;
INSERT INTO terms (code, name, starts_on, ends_on) VALUES
  ('2026-spring', 'Spring 2026', '2026-01-10', '2026-05-20'),
  ('2026-fall', 'Fall 2026', '2026-09-01', '2026-12-20');
INSERT INTO offerings (course_id, term_id) SELECT c.id, t.id FROM courses c CROSS JOIN terms t;
-- username_key / email_key: the canonical (NFKC, case-folded) forms; for these ASCII names, lower()
INSERT INTO users (username, email, username_key, email_key, display_name, type, department_id, is_active,
                   is_verified)
  SELECT 'u' || lpad(i::text, 7, '0'), 'u' || i || '@synthetic.invalid',
         'u' || lpad(i::text, 7, '0'), 'u' || i || '@synthetic.invalid', 'User ' || i,
         CASE WHEN i % 20 < 16 THEN 'student' WHEN i % 20 < 19 THEN 'faculty' ELSE 'staff' END,
         6 + i % 60, i % 50 <> 0, TRUE
  FROM generate_series(1, :users) i;
INSERT INTO changelog (entity, entity_id, op) VALUES ('bulk', 'synthetic', 'reload');
INSERT INTO grants (user_id, role_id, scope_type, scope_id, valid_from, valid_until, revision)
  SELECT u.id, (SELECT id FROM roles WHERE name = CASE u.type WHEN 'student' THEN 'student'
                                                 WHEN 'faculty' THEN 'faculty' ELSE 'staff' END),
         0, NULL, NULL, NULL, 1 FROM users u WHERE u.username LIKE 'u%';
INSERT INTO grants (user_id, role_id, scope_type, scope_id, valid_from, valid_until, revision)
  SELECT u.id, (SELECT id FROM roles WHERE name = 'department_admin'), 1, u.department_id, NULL, NULL, 1
  FROM users u WHERE u.username LIKE 'u%';
INSERT INTO grants (user_id, role_id, scope_type, scope_id, valid_from, valid_until, revision)
  SELECT u.id, (SELECT id FROM roles WHERE name = 'teaching_assistant'), 3,
         (SELECT min(id) FROM offerings) + (u.id * 7919) % 6000, '2026-01-10', '2026-12-20', 1
  FROM users u WHERE u.username LIKE 'u%';
COMMIT;
ANALYZE;
