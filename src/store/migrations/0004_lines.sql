-- Migration 4: lines. A line is the phone (or person) whose messages an
-- import holds: opt-outs, confirmations and violations are computed per line
-- and sender, so one person's opt-out never covers another's messages.
-- Existing data belongs to the line 'me' (id 1).
CREATE TABLE lines (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    -- The pseudonymous id of the reporter whose evidence bundle made it.
    reporter_id    TEXT UNIQUE,
    -- 1 when it came from a redacted evidence bundle.
    redacted       INTEGER NOT NULL DEFAULT 0,
    created_at_ms  INTEGER NOT NULL
);
INSERT INTO lines(id, name, created_at_ms)
    SELECT 1, 'me', 0
    WHERE EXISTS (SELECT 1 FROM imports) OR EXISTS (SELECT 1 FROM manual_optouts);

-- No REFERENCES clause: SQLite refuses one with a non-NULL default while
-- foreign keys are on; optout writes only ids it has just looked up.
ALTER TABLE imports ADD COLUMN line_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE messages ADD COLUMN line_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE manual_optouts ADD COLUMN line_id INTEGER NOT NULL DEFAULT 1;

-- The same promotion reaching two phones is two messages.
DROP INDEX messages_ts_dedupe;
CREATE UNIQUE INDEX messages_ts_dedupe ON messages(ts_ms, dedupe, line_id);

-- The words that decided a message's kind ("why marketing"), beside rule_id.
ALTER TABLE messages ADD COLUMN reason TEXT;

-- Spellings of one company merged by the user (浦发 / 浦发银行 / SPDB).
CREATE TABLE brand_aliases (
    alias          TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL
) WITHOUT ROWID;
