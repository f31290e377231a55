-- Migration 5: sends. Every opt-out (or SMS report) optout sent through the
-- user's own phone, written before the driver runs ('pending') and after
-- ('sent' or 'failed'), so a crash mid-run leaves an exact record.
CREATE TABLE sends (
    id               INTEGER PRIMARY KEY,
    -- The line (phone) it was sent from.
    line_id          INTEGER NOT NULL,
    -- 'optout' (a keyword to a sender) or 'report' (a complaint to 12321/7726).
    purpose          TEXT NOT NULL,
    -- The sender key the send is about, and its brand when it covers one.
    sender           TEXT NOT NULL,
    brand            TEXT,
    -- The number the text went to and the text itself.
    target           TEXT NOT NULL,
    body             TEXT NOT NULL,
    -- kdeconnect, termux, messages or adb.
    driver           TEXT NOT NULL,
    -- pending, sent or failed.
    status           TEXT NOT NULL,
    error            TEXT,
    started_at_ms    INTEGER NOT NULL,
    utc_offset_s     INTEGER,
    finished_at_ms   INTEGER,
    -- The manual opt-out a successful opt-out send recorded.
    manual_optout_id INTEGER
);
CREATE INDEX sends_by_sender ON sends(line_id, sender, started_at_ms);
