-- The request that caused an audit event (X-Request-Id, or the id Provost generated): finds its log lines.
-- NULL for events written outside a request (bootstrap, imports from the command line, older rows).
ALTER TABLE audit_events ADD COLUMN request_id TEXT;
