-- Migration 8: an index on imports.sha256. Every import looks its file up by
-- SHA-256 (already on this line? on another line?), and every evidence
-- bundle looks up each source file it cites, so without it an import scans
-- the whole imports table: at 10,000 bundles that is 10,000 rows per look-up.
CREATE INDEX IF NOT EXISTS imports_sha256 ON imports(sha256);
