//! Instance policy: open federation with a blocklist, or allowlist mode (listed peers only).

use diesel::prelude::*;

use crate::db::schema::federation_peers;
use crate::db::AnyConnection;
use crate::domain::{now, settings, Result};

/// `instance_settings` key holding `open` or `allowlist`.
pub const MODE_KEY: &str = "federation_mode";

#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub allowlist_mode: bool,
    pub allowed: Vec<String>,
    pub blocked: Vec<String>,
}

impl Rules {
    /// The stored mode (`MODE_KEY`): `allowlist`, or anything else for open federation.
    fn set_mode(&mut self, stored: &str) {
        self.allowlist_mode = stored == "allowlist";
    }

    /// A peer row: `allow`, or anything else (`block`) for a blocked host.
    fn add_peer(&mut self, host: String, policy: &str) {
        match policy {
            "allow" => self.allowed.push(host),
            _ => self.blocked.push(host),
        }
    }

    /// Whether `host` (`name` or `name:port`) may federate with us. A blocked name blocks its
    /// subdomains and every port too (a server that is refused does not come back as
    /// `www.bad.example`, `bad.example.` or `bad.example:8443`); an allowed entry allows exactly
    /// the server it names.
    pub fn allows(&self, host: &str) -> bool {
        let host = canonical(host);
        let name = name_of(&host);
        let blocked = self.blocked.iter().any(|entry| {
            let entry = canonical(entry);
            if entry.contains(':') && !entry.ends_with(']') {
                return entry == host;
            }
            let entry = name_of(&entry);
            name == entry || name.ends_with(&format!(".{entry}"))
        });
        if blocked {
            return false;
        }
        !self.allowlist_mode || self.allowed.iter().any(|entry| canonical(entry) == host)
    }
}

/// Lower case, without the trailing dot of a fully qualified name.
fn canonical(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    match host.rsplit_once(':') {
        Some((name, port)) if !host.ends_with(']') => format!("{}:{port}", name.trim_end_matches('.')),
        _ => host.trim_end_matches('.').to_string(),
    }
}

/// The name part of `name:port` (IPv6 literals keep their brackets).
fn name_of(host: &str) -> &str {
    if host.ends_with(']') {
        return host;
    }
    host.rsplit_once(':').map(|(name, _)| name).unwrap_or(host)
}

pub fn load(conn: &mut AnyConnection) -> Result<Rules> {
    let mut rules = Rules::default();
    if let Some(mode) = settings::get(conn, MODE_KEY)? {
        rules.set_mode(&mode);
    }
    let rows: Vec<(String, String)> = federation_peers::table
        .select((federation_peers::host, federation_peers::policy))
        .order(federation_peers::host.asc())
        .load(conn)?;
    for (host, policy) in rows {
        rules.add_peer(host, &policy);
    }
    Ok(rules)
}

/// The instance policy and whether the activity `activity_id` was received before, in one
/// statement: every inbound activity asks both before anything else, and on PostgreSQL each
/// statement is a round trip (three became one).
pub fn load_with_seen(conn: &mut AnyConnection, activity_id: &str) -> Result<(Rules, bool)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        what: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        a: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        b: String,
    }
    let rows: Vec<Row> = diesel::sql_query(format!(
        "SELECT 'mode' AS what, value AS a, '' AS b FROM instance_settings WHERE key = '{MODE_KEY}' \
         UNION ALL SELECT 'peer', host, policy FROM federation_peers \
         UNION ALL SELECT 'seen', ap_id, '' FROM received_activities WHERE ap_id = $1"
    ))
    .bind::<diesel::sql_types::Text, _>(activity_id)
    .load(conn)?;
    let mut rules = Rules::default();
    let mut seen = false;
    for row in rows {
        match (row.what.as_str(), row.b.as_str()) {
            ("mode", _) => rules.set_mode(&row.a),
            ("seen", _) => seen = true,
            _ => rules.add_peer(row.a, &row.b),
        }
    }
    Ok((rules, seen))
}

/// Normalises what staff type (`https://Town.example/`, `town.example:8443`) to a host.
pub fn normalise_host(text: &str) -> Option<String> {
    let text = text.trim().to_lowercase();
    let with_scheme = if text.contains("://") {
        text
    } else {
        format!("https://{text}")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    let host = super::urls::host_of(&url);
    (!host.is_empty()).then_some(host)
}

/// Sets a host's policy (`allow` or `block`), or removes it with `None`.
pub fn set_peer(conn: &mut AnyConnection, host: &str, policy: Option<&str>) -> Result<()> {
    diesel::delete(federation_peers::table.filter(federation_peers::host.eq(host))).execute(conn)?;
    if let Some(policy) = policy {
        diesel::insert_into(federation_peers::table)
            .values((
                federation_peers::host.eq(host),
                federation_peers::policy.eq(policy),
                federation_peers::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_mode(conn: &mut AnyConnection, allowlist: bool) -> Result<()> {
    settings::set(conn, MODE_KEY, if allowlist { "allowlist" } else { "open" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocklist_and_allowlist() {
        let open = Rules {
            allowlist_mode: false,
            allowed: vec![],
            blocked: vec!["bad.example".into()],
        };
        assert!(open.allows("good.example"));
        assert!(!open.allows("BAD.example"));
        // Evasions of an exact-match list.
        assert!(!open.allows("bad.example."));
        assert!(!open.allows("www.bad.example"));
        assert!(!open.allows("a.b.bad.example:8443"));
        assert!(!open.allows("bad.example:8443"));
        assert!(open.allows("notbad.example"));
        assert!(open.allows("bad.example.org"));
        let port_only = Rules {
            allowlist_mode: false,
            allowed: vec![],
            blocked: vec!["peer.example:8443".into()],
        };
        assert!(!port_only.allows("peer.example:8443"));
        assert!(port_only.allows("peer.example"));
        let closed = Rules {
            allowlist_mode: true,
            allowed: vec!["peer.example:8443".into()],
            blocked: vec![],
        };
        assert!(closed.allows("peer.example:8443"));
        assert!(!closed.allows("peer.example"));
        assert!(closed.allows("Peer.Example.:8443"));
        assert!(!closed.allows("sub.peer.example:8443"));
        assert_eq!(
            normalise_host("https://Town.example/x").as_deref(),
            Some("town.example")
        );
        assert_eq!(
            normalise_host("localhost:8081").as_deref(),
            Some("localhost:8081")
        );
    }

    /// The one-statement read agrees with the plain one, whatever the mode and peers, and
    /// tells a received activity from a new one.
    #[test]
    fn policy_and_seen_read_in_one_statement_match_the_policy() {
        let database = crate::db::testing::TestDatabase::fresh();
        let db = crate::db::Db::connect(&database.url).expect("connect");
        db.write_blocking(|conn| -> Result<()> {
            let (rules, seen) = load_with_seen(conn, "https://a.example/activities/1")?;
            assert!(!rules.allowlist_mode && rules.allowed.is_empty() && rules.blocked.is_empty());
            assert!(!seen);
            set_mode(conn, true)?;
            set_peer(conn, "friends.example", Some("allow"))?;
            set_peer(conn, "bad.example", Some("block"))?;
            super::super::inbound::record_received(
                conn,
                "https://friends.example/activities/1",
                "https://friends.example/users/a",
                "Like",
            )?;
            let sorted = |mut v: Vec<String>| {
                v.sort();
                v
            };
            let plain = load(conn)?;
            let (rules, seen) = load_with_seen(conn, "https://friends.example/activities/1")?;
            assert!(seen);
            assert!(rules.allowlist_mode);
            assert_eq!(sorted(rules.allowed.clone()), sorted(plain.allowed));
            assert_eq!(sorted(rules.blocked.clone()), sorted(plain.blocked));
            assert!(rules.allows("friends.example") && !rules.allows("bad.example"));
            assert!(!load_with_seen(conn, "https://friends.example/activities/2")?.1);
            Ok(())
        })
        .expect("policy");
    }
}
