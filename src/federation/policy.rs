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
    /// Whether `host` (`name` or `name:port`) may federate with us.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.to_lowercase();
        if self.blocked.contains(&host) {
            return false;
        }
        !self.allowlist_mode || self.allowed.contains(&host)
    }
}

pub fn load(conn: &mut AnyConnection) -> Result<Rules> {
    let allowlist_mode = settings::get(conn, MODE_KEY)?.as_deref() == Some("allowlist");
    let rows: Vec<(String, String)> = federation_peers::table
        .select((federation_peers::host, federation_peers::policy))
        .order(federation_peers::host.asc())
        .load(conn)?;
    let mut rules = Rules {
        allowlist_mode,
        ..Rules::default()
    };
    for (host, policy) in rows {
        match policy.as_str() {
            "allow" => rules.allowed.push(host),
            _ => rules.blocked.push(host),
        }
    }
    Ok(rules)
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
        let closed = Rules {
            allowlist_mode: true,
            allowed: vec!["peer.example:8443".into()],
            blocked: vec![],
        };
        assert!(closed.allows("peer.example:8443"));
        assert!(!closed.allows("peer.example"));
        assert_eq!(
            normalise_host("https://Town.example/x").as_deref(),
            Some("town.example")
        );
        assert_eq!(
            normalise_host("localhost:8081").as_deref(),
            Some("localhost:8081")
        );
    }
}
