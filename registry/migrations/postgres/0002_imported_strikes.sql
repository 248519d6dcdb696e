-- Strike-offs imported from an earlier revocation list (iotmark-registry
-- import-revocations), for labels that may not be registered (yet). They are published
-- with the registry's own strike-offs; a strike-off made here takes precedence.
CREATE TABLE imported_strikes (
    id TEXT PRIMARY KEY,
    struck_off_on BIGINT NOT NULL,
    strike_reason TEXT NOT NULL,
    public_reason TEXT NOT NULL
);
