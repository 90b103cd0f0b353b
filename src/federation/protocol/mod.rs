//! The ActivityPub activities Plenum accepts, as serde types and nothing else: no database, no
//! HTTP. The inbox reads a body into [`Activity`] once; each handler in `inbound/` then takes
//! the variant it acts on. An activity of a type not listed is [`Activity::Other`]: accepted
//! and ignored, as Mastodon does (Lemmy's `Add`, `Block`, Mastodon's `Move`…).
//!
//! What other servers send is read leniently (see `object`): a field of a shape we do not use
//! reads as absent, so the handler refuses with its own reason rather than the whole activity
//! failing to parse. `tests/data/peers/` holds activities as Mastodon, Lemmy, Mobilizon, Fedify
//! and Plenum write them; the tests below read each one.

mod object;
pub mod plenum;

use serde::Deserialize;
use serde_json::Value;

pub use object::{id_of, Link, Links, Object, ObjectKind, Source};

/// One inbound activity, by its `type`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type")]
pub enum Activity {
    Follow(Follow),
    Undo(Undo),
    Like(Like),
    /// A vote against (Lemmy's downvote): shown apart, never an endorsement.
    Dislike(Vote),
    Create(Create),
    Accept(Answer),
    Reject(Answer),
    Announce(Announce),
    Update(Update),
    Delete(Delete),
    /// A report from another server's user.
    Flag(Flag),
    #[serde(other)]
    Other,
}

impl Activity {
    /// Reads a body the inbox has already checked to be a JSON object with a string `type`,
    /// `id` and `actor`.
    pub fn from_json(json: Value) -> Result<Activity, serde_json::Error> {
        serde_json::from_value(json)
    }

    /// The type's name, as sent (for logs and the record of received ids).
    pub fn kind(&self) -> &'static str {
        match self {
            Activity::Follow(_) => "Follow",
            Activity::Undo(_) => "Undo",
            Activity::Like(_) => "Like",
            Activity::Dislike(_) => "Dislike",
            Activity::Create(_) => "Create",
            Activity::Accept(_) => "Accept",
            Activity::Reject(_) => "Reject",
            Activity::Announce(_) => "Announce",
            Activity::Update(_) => "Update",
            Activity::Delete(_) => "Delete",
            Activity::Flag(_) => "Flag",
            Activity::Other => "other",
        }
    }
}

/// `Follow` of one of our processes.
#[derive(Debug, Clone, Deserialize)]
pub struct Follow {
    pub id: String,
    pub actor: Link,
    #[serde(default)]
    pub object: Link,
    /// The activity as sent: our `Accept` embeds it whole, as Lemmy checks.
    #[serde(skip)]
    pub raw: Value,
}

/// `Undo` of an earlier activity, embedded or named by id only.
#[derive(Debug, Clone, Deserialize)]
pub struct Undo {
    pub id: String,
    pub actor: Link,
    #[serde(default)]
    pub object: Object,
}

/// `Like` of a proposal (an endorsement), with a residency attestation under a `peers` rule.
#[derive(Debug, Clone, Deserialize)]
pub struct Like {
    pub id: String,
    pub actor: Link,
    #[serde(default)]
    pub object: Link,
    /// Checked against the issuing town's key (`federation::attestation`), so kept as sent.
    #[serde(default)]
    pub residency: Option<Value>,
}

/// `Dislike`, or `Announce` of one of our proposals: a reaction to it.
#[derive(Debug, Clone, Deserialize)]
pub struct Vote {
    pub id: String,
    pub actor: Link,
    #[serde(default)]
    pub object: Link,
}

/// `Create` of a reply, a post in a process, or what a followed process publishes.
#[derive(Debug, Clone, Deserialize)]
pub struct Create {
    pub id: String,
    pub actor: Link,
    #[serde(default)]
    pub object: Object,
    #[serde(default)]
    pub audience: Link,
    #[serde(default)]
    pub to: Links,
    #[serde(default)]
    pub cc: Links,
}

/// `Accept` or `Reject` of our `Follow`.
#[derive(Debug, Clone, Deserialize)]
pub struct Answer {
    pub id: String,
    pub actor: Link,
    #[serde(default)]
    pub object: Link,
}

/// `Announce`: a boost of one of our proposals, or what a followed process relays.
#[derive(Debug, Clone, Deserialize)]
pub struct Announce {
    pub id: String,
    pub actor: Link,
    #[serde(default)]
    pub object: Object,
}

/// `Update` of a reply, or of what a followed process holds (itself, a proposal).
#[derive(Debug, Clone, Deserialize)]
pub struct Update {
    pub id: String,
    pub actor: Link,
    #[serde(default)]
    pub object: Object,
}

/// `Delete` of a reply, or of a followed process's proposal.
#[derive(Debug, Clone, Deserialize)]
pub struct Delete {
    pub id: String,
    pub actor: Link,
    #[serde(default)]
    pub object: Link,
}

/// `Flag`: Mastodon names the reported account and statuses in `object`, Lemmy one item.
#[derive(Debug, Clone, Deserialize)]
pub struct Flag {
    pub id: String,
    pub actor: Link,
    #[serde(default)]
    pub object: Links,
    #[serde(default)]
    pub content: Option<Value>,
    #[serde(default)]
    pub summary: Option<Value>,
}

impl Flag {
    /// The reporter's comment (`content`, Lemmy's `summary`), as sent.
    pub fn comment(&self) -> &str {
        [&self.content, &self.summary]
            .into_iter()
            .find_map(|field| field.as_ref().and_then(Value::as_str))
            .unwrap_or_default()
    }
}

/// A collection as a process's outbox serves it; its items are activities.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderedCollection {
    #[serde(default, rename = "orderedItems")]
    pub ordered_items: Vec<Object>,
}

/// Reads an inbound activity, keeping the JSON of a `Follow` (which our `Accept` embeds).
pub fn read(json: Value) -> Result<Activity, serde_json::Error> {
    let raw = (json["type"] == "Follow").then(|| json.clone());
    let mut activity = Activity::from_json(json)?;
    if let (Activity::Follow(follow), Some(raw)) = (&mut activity, raw) {
        follow.raw = raw;
    }
    Ok(activity)
}

#[cfg(test)]
mod tests;
