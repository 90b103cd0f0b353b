//! What a Plenum town writes beyond ActivityStreams, as the towns that follow it read it: a
//! process (`Group` with its phases, current phase and eligibility rule) and its posts (a
//! proposal's `Page` with state, official answer and counts; a comment's `Note`; a results
//! `Document`). Read leniently like everything from other servers: a field of another shape
//! reads as absent.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::Link;

/// A value of type `T`, or nothing when the field was absent or of another shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lenient<T>(pub Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<T> Lenient<T> {
    pub fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl Lenient<String> {
    /// The text, if there is one.
    pub fn text(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The text, or "" when there is none.
    pub fn or_empty(&self) -> &str {
        self.0.as_deref().unwrap_or_default()
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Lenient(
            serde_json::from_value(Value::deserialize(deserializer)?).ok(),
        ))
    }
}

/// A process of a followed town.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Group {
    pub id: Link,
    #[serde(rename = "preferredUsername")]
    pub preferred_username: Lenient<String>,
    pub name: Lenient<String>,
    pub summary: Lenient<String>,
    pub url: Lenient<String>,
    /// Kept as sent (each `{kind, startTime, endTime}`), stored as JSON.
    pub phases: Lenient<Vec<Value>>,
    #[serde(rename = "currentPhase")]
    pub current_phase: Lenient<String>,
    pub eligibility: Lenient<String>,
}

/// A post of a followed process: a proposal's `Page`, a comment's `Note`, a results `Document`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Post {
    pub id: Link,
    #[serde(rename = "attributedTo")]
    pub attributed_to: Link,
    pub name: Lenient<String>,
    pub content: Lenient<String>,
    pub url: Lenient<String>,
    pub published: Lenient<String>,
    pub updated: Lenient<String>,
    /// A proposal's state (`published`, `accepted`…), as its town names it.
    pub state: Lenient<String>,
    /// The town's official answer, HTML.
    #[serde(rename = "officialAnswer")]
    pub official_answer: Lenient<String>,
    #[serde(rename = "bindingEndorsements")]
    pub binding_endorsements: Lenient<i64>,
    #[serde(rename = "federatedEndorsements")]
    pub federated_endorsements: Lenient<i64>,
    #[serde(rename = "commentCount")]
    pub comment_count: Lenient<i64>,
}

/// Reads `T` from an object's JSON; anything but a JSON object reads as the empty `T`.
pub fn read<T: Default + serde::de::DeserializeOwned>(raw: &Value) -> T {
    match raw {
        Value::Object(_) => serde_json::from_value(raw.clone()).unwrap_or_default(),
        _ => T::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_page_of_unexpected_shapes_keeps_what_it_can() {
        let post: Post = read(&json!({
            "id": "https://b.example/proposals/1",
            "name": "Trees",
            "state": 7,
            "bindingEndorsements": "many",
            "federatedEndorsements": 3,
            "officialAnswer": {"html": "no"},
        }));
        assert_eq!(post.id.id(), Some("https://b.example/proposals/1"));
        assert_eq!(post.name.or_empty(), "Trees");
        assert_eq!(post.state.get(), None);
        assert_eq!(post.binding_endorsements.get(), None);
        assert_eq!(post.federated_endorsements.get(), Some(&3));
        assert_eq!(post.official_answer.get(), None);
        let nothing: Post = read(&json!("https://b.example/proposals/1"));
        assert_eq!(nothing.id.id(), None);
    }

    #[test]
    fn a_group_reads_its_phases_only_as_a_list() {
        let group: Group = read(&json!({"id": "https://b.example/p", "phases": {"kind": "vote"}}));
        assert_eq!(group.phases.get(), None);
        let group: Group = read(&json!({"phases": [{"kind": "vote"}], "eligibility": "peers"}));
        assert_eq!(group.phases.get().map(Vec::len), Some(1));
        assert_eq!(group.eligibility.or_empty(), "peers");
    }
}
