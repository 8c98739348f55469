-- Provost's own permissions and the university's built-in roles.
INSERT INTO permissions (name, description, builtin) VALUES
    ('authz.check',              'ask /v1/check about any subject', TRUE),
    ('users.read',               'read user records in scope', TRUE),
    ('users.write',              'create, change and deactivate users in scope', TRUE),
    ('grants.read',              'read role grants in scope', TRUE),
    ('grants.write',             'grant and revoke roles in scope (only roles whose permissions one holds there)', TRUE),
    ('roles.write',              'define roles and permissions', TRUE),
    ('directory.write',          'create and change departments, courses, terms and offerings in scope', TRUE),
    ('audit.read',               'read the audit log', TRUE),
    ('clients.write',            'create and revoke API clients', TRUE),
    ('imports.run',              'run SIS imports', TRUE),
    ('grades.read',              'read grades', TRUE),
    ('grades.write',             'enter and change grades', TRUE),
    ('course.materials.read',    'read course materials', TRUE),
    ('course.materials.write',   'publish course materials', TRUE),
    ('roster.read',              'read class rosters', TRUE),
    ('enrollment.manage',        'enroll and drop students', TRUE),
    ('library.borrow',           'borrow from the library', TRUE),
    ('facilities.book',          'book rooms and facilities', TRUE);

INSERT INTO roles (name, description, builtin) VALUES
    ('admin',              'everything, everywhere', TRUE),
    ('registrar',          'the registrar''s office: people, catalogue, enrollment, imports', TRUE),
    ('department_admin',   'runs a department: its people, courses and teaching roles', TRUE),
    ('instructor',         'teaches a course offering', TRUE),
    ('teaching_assistant', 'assists in a course offering', TRUE),
    ('student',            'a student', TRUE),
    ('faculty',            'a member of the faculty', TRUE),
    ('staff',              'a member of staff', TRUE);

INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r CROSS JOIN permissions p WHERE r.name = 'admin';

INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r JOIN permissions p ON p.name = ANY (CASE r.name
    WHEN 'registrar'          THEN ARRAY['users.read', 'users.write', 'grants.read', 'grants.write', 'directory.write',
                                         'enrollment.manage', 'imports.run', 'audit.read', 'roster.read']
    WHEN 'department_admin'   THEN ARRAY['users.read', 'users.write', 'grants.read', 'grants.write', 'directory.write',
                                         'audit.read']
    WHEN 'instructor'         THEN ARRAY['grants.read', 'grants.write', 'grades.read', 'grades.write', 'course.materials.read',
                                         'course.materials.write', 'roster.read']
    WHEN 'teaching_assistant' THEN ARRAY['grades.read', 'grades.write', 'course.materials.read', 'roster.read']
    WHEN 'student'            THEN ARRAY['course.materials.read', 'library.borrow']
    WHEN 'faculty'            THEN ARRAY['library.borrow', 'facilities.book']
    WHEN 'staff'              THEN ARRAY['library.borrow', 'facilities.book']
    ELSE ARRAY[]::TEXT[] END);

-- a department administrator may hand out teaching roles inside the department
INSERT INTO role_includes (role_id, included_role_id)
SELECT r.id, i.id FROM roles r JOIN roles i ON i.name IN ('instructor', 'teaching_assistant')
WHERE r.name = 'department_admin';

-- the registrar enrols people as students, faculty and staff, so it holds what those roles carry
INSERT INTO role_includes (role_id, included_role_id)
SELECT r.id, i.id FROM roles r JOIN roles i ON i.name IN ('student', 'faculty', 'staff')
WHERE r.name = 'registrar';
