-- Migration 2: classification results, brands, and the user's own records
-- (manual opt-outs, ignored senders and brands).
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

-- The zone local times without an offset were read in (Termux, some CSV).
ALTER TABLE imports ADD COLUMN source_zone TEXT;

ALTER TABLE senders ADD COLUMN class TEXT NOT NULL DEFAULT 'other';
-- Indian DLT header suffix (P, S, T, G) when the sender ID carries one.
ALTER TABLE senders ADD COLUMN dlt_suffix TEXT;

ALTER TABLE messages ADD COLUMN hint TEXT;
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'unclassified';
ALTER TABLE messages ADD COLUMN rule_id TEXT;
ALTER TABLE messages ADD COLUMN brand TEXT;
-- 1 when the brand came from a leading "Brand:" rather than a 【signature】.
ALTER TABLE messages ADD COLUMN brand_from_prefix INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN optout_keyword TEXT;
ALTER TABLE messages ADD COLUMN optout_target TEXT;
CREATE INDEX messages_kind_ts ON messages(kind, ts_ms);
CREATE INDEX messages_brand ON messages(brand) WHERE brand IS NOT NULL;

-- Opt-outs the user made outside the export (another phone, a call, an app).
CREATE TABLE manual_optouts (
    id             INTEGER PRIMARY KEY,
    scope          TEXT NOT NULL CHECK (scope IN ('sender', 'brand')),
    name           TEXT NOT NULL,
    at_ms          INTEGER NOT NULL,
    utc_offset_s   INTEGER,
    channel        TEXT NOT NULL,
    note           TEXT,
    created_at_ms  INTEGER NOT NULL
);
CREATE INDEX manual_optouts_name ON manual_optouts(scope, name);

-- Senders and brands the user wants (their bank's alerts): kept, not flagged.
CREATE TABLE ignored (
    scope          TEXT NOT NULL CHECK (scope IN ('sender', 'brand')),
    name           TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    PRIMARY KEY (scope, name)
) WITHOUT ROWID;
