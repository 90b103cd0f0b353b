//! The ids (URLs) of local actors, objects and activities. One place builds them, so what we
//! send and what we serve always agree.

/// Content type of ActivityPub documents.
pub const ACTIVITY_JSON: &str = "application/activity+json; charset=utf-8";
/// The public collection: addressed to everyone.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
/// Plenum's own JSON-LD terms (proposal state, official answer, counts by class, phases).
pub const PLENUM_NS: &str = "https://w3id.org/plenum#";

pub fn instance_actor(base: &str) -> String {
    format!("{base}/actor")
}

pub fn shared_inbox(base: &str) -> String {
    format!("{base}/inbox")
}

pub fn process(base: &str, slug: &str) -> String {
    format!("{base}/processes/{slug}")
}

pub fn person(base: &str, username: &str) -> String {
    format!("{base}/users/{username}")
}

pub fn proposal(base: &str, id: &str) -> String {
    format!("{base}/proposals/{id}")
}

pub fn comment(base: &str, id: &str) -> String {
    format!("{base}/comments/{id}")
}

pub fn activity(base: &str, id: &str) -> String {
    format!("{base}/activities/{id}")
}

/// The `@context` of every document we publish.
pub fn context() -> serde_json::Value {
    serde_json::json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "plenum": PLENUM_NS,
            "sensitive": "as:sensitive",
            "state": "plenum:state",
            "officialAnswer": "plenum:officialAnswer",
            "bindingEndorsements": "plenum:bindingEndorsements",
            "federatedEndorsements": "plenum:federatedEndorsements",
            "commentCount": "plenum:commentCount",
            "againstCount": "plenum:againstCount",
            "eligibility": "plenum:eligibility",
            "phases": "plenum:phases",
            "currentPhase": "plenum:currentPhase",
            "kind": "plenum:kind",
            "stance": "plenum:stance",
            "audience": "as:audience",
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "featured": { "@id": "toot:featured", "@type": "@id" },
            "lemmy": "https://join-lemmy.org/ns#",
            "postingRestrictedToMods": "lemmy:postingRestrictedToMods"
        }
    ])
}

/// The context of actors that publish an Ed25519 key in `assertionMethod` (FEP-521a), as
/// Mastodon and Fedify write it: DID core defines `assertionMethod`, the Multikey context
/// `Multikey`, `controller` and `publicKeyMultibase`. Checked by pyld in the fediverse tests.
pub fn actor_context() -> serde_json::Value {
    serde_json::json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
        context()[2],
    ])
}

/// The host (with port when not default) of an id, as compared for origin checks.
pub fn host_of(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    }
}

pub fn host_of_str(url: &str) -> String {
    url::Url::parse(url).map(|u| host_of(&u)).unwrap_or_default()
}

/// A remote address we may put in an `href`: an absolute `http(s)` URL only (never
/// `javascript:` or `data:`), else `fallback` under the same rule, else nothing.
pub fn web_link(candidate: Option<&str>, fallback: &str) -> String {
    let usable = |text: &str| {
        url::Url::parse(text.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .map(|u| u.to_string())
    };
    candidate
        .and_then(usable)
        .or_else(|| usable(fallback))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_become_links() {
        let id = "https://town.example/proposals/1";
        assert_eq!(
            web_link(Some("https://town.example/p/1"), id),
            "https://town.example/p/1"
        );
        for hostile in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "file:///etc/passwd",
            "//evil.example",
            "",
        ] {
            assert_eq!(web_link(Some(hostile), id), id, "{hostile}");
        }
        assert_eq!(web_link(Some("javascript:1"), "javascript:2"), "");
    }
}
