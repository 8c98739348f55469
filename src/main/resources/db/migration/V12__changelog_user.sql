-- Each change names the user whose access or sessions it affects, so an instance applying a revoked grant
-- finds its owner without scanning its index, and a session store drops that user's sessions directly.
ALTER TABLE changelog ADD COLUMN user_id BIGINT;

-- The built-in admin role holds every permission, including ones defined later (Provost adds each new
-- permission to it in the same transaction); repair databases where one was added without it.
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r CROSS JOIN permissions p
WHERE r.name = 'admin' AND r.builtin
ON CONFLICT DO NOTHING;

-- API keys act with their owner's authority: the person who created them, or whom they were handed to.
ALTER TABLE api_clients ADD COLUMN owner_id BIGINT REFERENCES users (id);
UPDATE api_clients SET owner_id = created_by;
ALTER TABLE api_clients ADD COLUMN rotated_at TIMESTAMPTZ;
