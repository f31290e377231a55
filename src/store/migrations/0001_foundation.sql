-- Migration 1: imports, senders and their aliases, messages.
CREATE TABLE imports (
    id              INTEGER PRIMARY KEY,
    path            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    size            INTEGER NOT NULL,
    format          TEXT NOT NULL,
    started_at_ms   INTEGER NOT NULL,
    finished_at_ms  INTEGER,
    new_messages    INTEGER NOT NULL DEFAULT 0,
    duplicates      INTEGER NOT NULL DEFAULT 0,
    skipped         INTEGER NOT NULL DEFAULT 0,
    rejected        INTEGER NOT NULL DEFAULT 0,
    optout_version  TEXT NOT NULL
);

CREATE TABLE senders (
    id   INTEGER PRIMARY KEY,
    key  TEXT NOT NULL UNIQUE
);

-- Every raw address seen for a sender.
CREATE TABLE aliases (
    sender_id  INTEGER NOT NULL REFERENCES senders(id),
    raw        TEXT NOT NULL,
    PRIMARY KEY (sender_id, raw)
) WITHOUT ROWID;

CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    sender_id     INTEGER NOT NULL REFERENCES senders(id),
    direction     TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    address       TEXT NOT NULL,
    ts_ms         INTEGER NOT NULL,
    utc_offset_s  INTEGER,
    body          TEXT NOT NULL,
    channel       TEXT NOT NULL,
    contact_name  TEXT,
    import_id     INTEGER NOT NULL REFERENCES imports(id),
    -- First 8 bytes of SHA-256(sender key, direction, ts_ms, body): the
    -- dedupe key, an integer so its UNIQUE index stays small and fast.
    dedupe        INTEGER NOT NULL
);
CREATE UNIQUE INDEX messages_dedupe ON messages(dedupe);
CREATE INDEX messages_sender_ts ON messages(sender_id, ts_ms);
