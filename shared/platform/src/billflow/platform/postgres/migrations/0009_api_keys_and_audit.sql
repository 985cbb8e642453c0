-- Issue 16: API keys for machines, and the audit trail of every write.

-- A key is kept as the SHA-256 digest of its secret only (decision 0027); a revoked key stays,
-- so the audit entries that name it keep saying what it was.
CREATE TABLE api_keys (
    id            uuid PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role          text NOT NULL CHECK (role IN ('accountant', 'viewer')),
    digest        bytea NOT NULL UNIQUE CHECK (length(digest) = 32),
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_keys_active_newest_first ON api_keys (created_at DESC, id DESC) WHERE revoked_at IS NULL;

-- Append-only: written in the transaction of the change it describes, never updated or deleted.
CREATE TABLE audit_log (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_kind  text CHECK (actor_kind IN ('user', 'api_key')),
    actor_id    uuid,
    entity      text NOT NULL,
    entity_id   text NOT NULL,
    action      text NOT NULL,
    changes     jsonb NOT NULL DEFAULT '{}',
    CHECK ((actor_kind IS NULL) = (actor_id IS NULL))
);
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, seq);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, seq) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_by_time ON audit_log (at);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
-- Where the application connects as an ordinary role, it may not even try (the owner and
-- superusers are stopped by the triggers above).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
