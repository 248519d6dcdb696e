-- The registry's schema (SQLite). Dates are days since 1970-01-01 (as labels carry them),
-- times are Unix seconds. Keep in step with ../postgres/0001_initial.sql.
CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE issuers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    public_key BLOB NOT NULL UNIQUE,
    region TEXT NOT NULL REFERENCES regions(code),
    token_hash BLOB NOT NULL UNIQUE,
    suspended_from BIGINT,
    suspended_reason TEXT
);

CREATE TABLE labels (
    id TEXT PRIMARY KEY,
    issuer BIGINT NOT NULL REFERENCES issuers(id),
    product TEXT NOT NULL,
    model TEXT NOT NULL,
    maker TEXT NOT NULL,
    gtin TEXT,
    grade TEXT NOT NULL,
    assurance TEXT NOT NULL,
    issued BIGINT NOT NULL,
    valid_until BIGINT NOT NULL,
    fingerprint BLOB NOT NULL,
    registered_at BIGINT NOT NULL,
    replaced_by TEXT,
    retired BIGINT NOT NULL DEFAULT 0,
    struck_off_on BIGINT,
    strike_reason TEXT,
    public_reason TEXT
);
CREATE INDEX labels_issuer_valid ON labels(issuer, valid_until);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    client_ref TEXT UNIQUE,
    label_text TEXT NOT NULL,
    label_id TEXT,
    region TEXT,
    reason TEXT NOT NULL,
    body TEXT NOT NULL,
    contact TEXT NOT NULL,
    state TEXT NOT NULL,
    public_reason TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX reports_queue ON reports(state, region);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    region TEXT REFERENCES regions(code)
);

CREATE TABLE sessions (
    id_hash BLOB PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id BIGINT REFERENCES reports(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    action TEXT NOT NULL,
    label_id TEXT,
    issuer_id BIGINT,
    from_date BIGINT,
    public_reason TEXT NOT NULL,
    at BIGINT NOT NULL
);

-- Append-only: written in the same transaction as each change, never updated.
CREATE TABLE log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    who TEXT NOT NULL,
    what TEXT NOT NULL
);

-- The signed lists every process serves, so that all serve identical bytes.
CREATE TABLE lists (
    name TEXT PRIMARY KEY,
    sequence BIGINT NOT NULL,
    issued BIGINT NOT NULL,
    bytes BLOB NOT NULL
);
