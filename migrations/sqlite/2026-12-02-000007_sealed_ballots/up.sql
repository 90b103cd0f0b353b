-- Sealed ballots (sqlite). Keep in step with ../../postgres/ — same tables, same columns.
--
-- A cast ballot is stored sealed: `sealed` is AES-256-GCM under a key derived from the
-- instance's secret key (kept outside the database), of the receipt hash, the choices and the
-- points, padded to one length per budget, with a fresh nonce at every write. The row is
-- written in the voter's transaction, next to their `ballot_casts` row, so a copy of the
-- database (or of its WAL) pairs an account with a sealed row, which says nothing without the
-- key. `voter_tag` (HMAC of budget and account) lets the voter replace their ballot;
-- `receipt_key` (HMAC of budget and receipt hash) lets a receipt be checked without opening
-- every ballot, and cannot be matched with the published log's receipt hashes without the key.
-- WITHOUT ROWID: rows are kept in key order, which is random, not in the order they came.
CREATE TABLE sealed_ballots (
    budget_id TEXT NOT NULL REFERENCES budgets(id) ON DELETE CASCADE,
    voter_tag TEXT NOT NULL,
    receipt_key TEXT NOT NULL UNIQUE,
    sealed TEXT NOT NULL,
    PRIMARY KEY (budget_id, voter_tag)
) WITHOUT ROWID;

-- When someone voted is kept to the day only.
UPDATE ballot_casts SET first_cast_at = datetime(date(first_cast_at));
