//! Realistic data, loaded fast: set-based SQL (a recursive sequence, the same text on SQLite and
//! PostgreSQL) rather than one request per row, then the counts Plenum keeps on each proposal.
//!
//! Shape: one open process with a proposals phase; `accounts` citizens (all with one password
//! hash: hashing 100,000 passwords with argon2 would take an hour and measure nothing); `proposals`
//! proposals by random authors; 5 endorsements per account on distinct proposals (deterministic
//! pseudo-random spread); threaded comments (a root, a reply, a reply to the reply) on each.

use diesel::connection::SimpleConnection;
use plenum::db::AnyConnection;

pub const PROCESS_SLUG: &str = "bench-2026";
pub const PROCESS_ID: &str = "bench-process";
/// Each account endorses this many distinct proposals.
pub const ENDORSEMENTS_PER_ACCOUNT: i64 = 5;

#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub accounts: i64,
    pub proposals: i64,
    /// Comments per proposal, threaded (at most 3: root, reply, reply to reply).
    pub comments_per_proposal: i64,
}

impl Size {
    pub fn endorsements(&self) -> i64 {
        self.accounts * ENDORSEMENTS_PER_ACCOUNT
    }
}

fn sequence(n: i64) -> String {
    // Both engines: a recursive CTE counting 0..n-1.
    format!("WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < {n})")
}

/// The id of the n-th seeded account / proposal (what the load generator asks for).
pub fn account_id(n: i64) -> String {
    format!("bench-user-{n}")
}

pub fn proposal_id(n: i64) -> String {
    format!("bench-proposal-{n}")
}

/// A proposal that account `account` has not endorsed at seeding time (the endorse scenario uses
/// fresh pairs, so every POST is a real new endorsement).
pub fn fresh_proposal_for(account: i64, k: i64, size: &Size) -> i64 {
    (account * 7919 + (ENDORSEMENTS_PER_ACCOUNT + k) * 1999) % size.proposals
}

pub fn seed(conn: &mut AnyConnection, size: &Size, password_hash: &str) -> anyhow::Result<()> {
    let body = "The square needs shade in summer. Plant twelve lime trees along the market, with \
                benches and a water fountain, so that older people and children can rest there \
                during the July heat. Cost estimated by the parks department.";
    let body_html = plenum::markdown::render(body);
    let quote = |s: &str| s.replace('\'', "''");
    let seq = sequence;
    let sql = format!(
        "
        INSERT INTO processes (id, slug, title, description, description_html, scope, published,
            created_at, updated_at, eligibility, peer_hosts, eligibility_propose,
            eligibility_comment, eligibility_vote)
        VALUES ('{PROCESS_ID}', '{PROCESS_SLUG}', 'Budget 2026 (benchmark)', 'Ideas for the town.',
            '<p>Ideas for the town.</p>', '', TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'open', '',
            'open', 'open', 'open');
        INSERT INTO phases (id, process_id, position, kind, starts_at, ends_at, proposals_enabled,
            endorsements_enabled, comments_enabled)
        VALUES ('bench-phase', '{PROCESS_ID}', 0, 'proposals', '2020-01-01 00:00:00',
            '2099-01-01 00:00:00', TRUE, TRUE, TRUE);
        {users} INSERT INTO users (id, username, email, display_name, password_hash, role, locale,
            blocked, created_at, deleted_at, email_confirmed_at)
        SELECT 'bench-user-' || n, 'citizen' || n, 'citizen' || n || '@bench.example',
            'Citizen ' || n, '{hash}', 'citizen', NULL, FALSE, CURRENT_TIMESTAMP, NULL,
            CURRENT_TIMESTAMP FROM seq;
        {props} INSERT INTO proposals (id, process_id, author_id, category_id, title, body,
            body_html, search_text, state, answer, answer_html, answered_at, endorsement_count,
            comment_count, random_key, hidden, version, created_at, updated_at, federated_count,
            share_count, against_count)
        SELECT 'bench-proposal-' || n, '{PROCESS_ID}', 'bench-user-' || ((n * 104729) % {accounts}),
            NULL, 'Proposal ' || n || ': lime trees on the market square', '{body}', '{body_html}',
            'proposal ' || n || ' lime trees market square shade', 'published', NULL, NULL, NULL,
            0, 0, (n * 2654435761) % 2147483647, FALSE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,
            0, 0, 0 FROM seq;
        {endorse} INSERT INTO endorsements (id, proposal_id, user_id, created_at, class, ap_id,
            attested_by)
        SELECT 'bench-e-' || n,
            'bench-proposal-' || ((((n / {per}) * 7919) + ((n % {per}) * 1999)) % {proposals}),
            'bench-user-' || (n / {per}), CURRENT_TIMESTAMP, 'open', NULL, NULL FROM seq;
        ",
        users = seq(size.accounts),
        props = seq(size.proposals),
        endorse = seq(size.endorsements()),
        hash = quote(password_hash),
        accounts = size.accounts,
        proposals = size.proposals,
        per = ENDORSEMENTS_PER_ACCOUNT,
        body = quote(body),
        body_html = quote(&body_html),
    );
    conn.batch_execute(&sql)?;
    for depth in 0..size.comments_per_proposal.min(3) {
        let parent = match depth {
            0 => "NULL".to_string(),
            d => format!("'bench-c-{}-' || n", d - 1),
        };
        conn.batch_execute(&format!(
            "{seq} INSERT INTO comments (id, proposal_id, author_id, parent_id, body, body_html,
                stance, hidden, created_at, ap_id)
             SELECT 'bench-c-{depth}-' || n, 'bench-proposal-' || n,
                'bench-user-' || ((n * 31 + {depth}) % {accounts}), {parent},
                'Good idea, and water them in July.', '<p>Good idea, and water them in July.</p>',
                'for', FALSE, CURRENT_TIMESTAMP, NULL FROM seq;",
            seq = seq(size.proposals),
            accounts = size.accounts,
        ))?;
    }
    conn.batch_execute(
        "UPDATE proposals SET
            endorsement_count = (SELECT COUNT(*) FROM endorsements e WHERE e.proposal_id = proposals.id),
            comment_count = (SELECT COUNT(*) FROM comments c WHERE c.proposal_id = proposals.id);",
    )?;
    Ok(())
}
