//! The pieces every activity is made of, as other servers send them: links, address lists and
//! objects. Each is read leniently, the way the fediverse writes them (a link may be a bare id
//! or the object embedded, an address list one string or many), so that a shape we do not use
//! never makes an activity unreadable: what a field does not hold is `None` or empty, and the
//! handler that needs it refuses with its own reason.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The id of an embedded object or a bare link (`"https://…"` or `{"id": "https://…", …}`).
/// Anything else (a number, an array, an object without an id) names nothing.
pub fn id_of(value: &Value) -> Option<&str> {
    value.as_str().or_else(|| value["id"].as_str())
}

/// A reference to another object: its id, when the field names one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link(Option<String>);

impl Link {
    pub fn to(id: impl Into<String>) -> Link {
        Link(Some(id.into()))
    }

    pub fn id(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The id, or "" where the field names nothing: for lookups that then find nothing.
    pub fn id_or_empty(&self) -> &str {
        self.id().unwrap_or_default()
    }

    pub fn is(&self, id: &str) -> bool {
        self.id() == Some(id)
    }
}

impl<'de> Deserialize<'de> for Link {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Link, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(Link(id_of(&value).map(str::to_string)))
    }
}

/// An address list (`to`, `cc`, a `Flag`'s `object`): one address or an array of them. Entries
/// that are not addresses are passed over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links(pub Vec<String>);

impl Links {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl<'de> Deserialize<'de> for Links {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Links, D::Error> {
        Ok(Links(match Value::deserialize(deserializer)? {
            Value::Array(items) => items.iter().filter_map(id_of).map(str::to_string).collect(),
            Value::String(one) => vec![one],
            other => id_of(&other).map(str::to_string).into_iter().collect(),
        }))
    }
}

/// The object types Plenum acts on; any other is `Other` (kept, and passed over where it
/// does not matter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectKind {
    Note,
    Page,
    Article,
    Document,
    Group,
    Create,
    Update,
    Tombstone,
    Other(String),
}

impl ObjectKind {
    fn parse(kind: &str) -> ObjectKind {
        match kind {
            "Note" => ObjectKind::Note,
            "Page" => ObjectKind::Page,
            "Article" => ObjectKind::Article,
            "Document" => ObjectKind::Document,
            "Group" => ObjectKind::Group,
            "Create" => ObjectKind::Create,
            "Update" => ObjectKind::Update,
            "Tombstone" => ObjectKind::Tombstone,
            other => ObjectKind::Other(other.to_string()),
        }
    }
}

/// The `source` of a post: the text it was written in (Markdown for Lemmy and Plenum).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct Source {
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default, rename = "mediaType")]
    pub media_type: Option<String>,
}

/// What an activity carries in `object`: an embedded object (or activity), or only its id.
///
/// The fields Plenum reads are typed; `raw` keeps the JSON exactly as sent, for what is stored
/// or checked as it came (mirrored proposals, signed results, whose proof covers every byte).
#[derive(Debug, Clone, Default)]
pub struct Object {
    /// `None` when only an id was sent, or the object has no type.
    pub kind: Option<ObjectKind>,
    pub id: Link,
    pub attributed_to: Link,
    pub in_reply_to: Link,
    pub audience: Link,
    pub to: Links,
    pub cc: Links,
    pub name: Option<String>,
    pub content: Option<String>,
    pub source: Option<Source>,
    /// For an embedded activity (the `Follow` inside an `Undo`, the `Create` inside an
    /// `Announce`): who did it and what it was about.
    pub actor: Link,
    pub object: Link,
    pub raw: Value,
}

/// The typed fields of an embedded object, read once from its JSON.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ObjectFields {
    #[serde(rename = "type")]
    kind: Option<Value>,
    id: Link,
    #[serde(rename = "attributedTo")]
    attributed_to: Link,
    #[serde(rename = "inReplyTo")]
    in_reply_to: Link,
    audience: Link,
    to: Links,
    cc: Links,
    name: Option<Value>,
    content: Option<Value>,
    source: Option<Value>,
    actor: Link,
    object: Link,
}

fn text(value: Option<Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text),
        _ => None,
    }
}

impl Object {
    /// Reads an object from JSON as another server wrote it. Never fails: a bare id gives an
    /// object with only its id, and a field of an unexpected shape reads as absent.
    pub fn from_json(raw: Value) -> Object {
        if let Value::String(id) = &raw {
            return Object {
                id: Link::to(id.clone()),
                raw,
                ..Object::default()
            };
        }
        let fields: ObjectFields = match &raw {
            Value::Object(_) => serde_json::from_value(raw.clone()).unwrap_or_default(),
            _ => ObjectFields::default(),
        };
        Object {
            kind: fields
                .kind
                .as_ref()
                .and_then(Value::as_str)
                .map(ObjectKind::parse),
            id: fields.id,
            attributed_to: fields.attributed_to,
            in_reply_to: fields.in_reply_to,
            audience: fields.audience,
            to: fields.to,
            cc: fields.cc,
            name: text(fields.name),
            content: text(fields.content),
            source: fields.source.and_then(|s| serde_json::from_value(s).ok()),
            actor: fields.actor,
            object: fields.object,
            raw,
        }
    }

    pub fn id(&self) -> Option<&str> {
        self.id.id()
    }

    pub fn is(&self, kind: ObjectKind) -> bool {
        self.kind.as_ref() == Some(&kind)
    }

    /// The text of the object's `content` (HTML as sent), or "".
    pub fn content_html(&self) -> &str {
        self.content.as_deref().unwrap_or_default()
    }

    /// The object inside an embedded `Create` or `Update` (Announce(Create(x)) is about x);
    /// the object itself otherwise.
    pub fn unwrap_create_or_update(self) -> Object {
        if self.is(ObjectKind::Create) || self.is(ObjectKind::Update) {
            return Object::from_json(self.raw["object"].clone());
        }
        self
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Object, D::Error> {
        Ok(Object::from_json(Value::deserialize(deserializer)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_of_embedded_objects_and_links() {
        assert_eq!(id_of(&json!("https://a.example/x")), Some("https://a.example/x"));
        assert_eq!(
            id_of(&json!({"id": "https://a.example/y"})),
            Some("https://a.example/y")
        );
        assert_eq!(id_of(&json!(42)), None);
    }

    #[test]
    fn links_and_lists_read_every_shape_the_fediverse_writes() {
        let link: Link = serde_json::from_value(json!({"id": "https://a.example/u"})).unwrap();
        assert!(link.is("https://a.example/u"));
        let nothing: Link = serde_json::from_value(json!([1, 2])).unwrap();
        assert_eq!(nothing.id(), None);
        let one: Links = serde_json::from_value(json!("https://a.example/p")).unwrap();
        assert_eq!(one.0, vec!["https://a.example/p"]);
        let many: Links =
            serde_json::from_value(json!(["https://a.example/p", 7, {"id": "https://a.example/q"}])).unwrap();
        assert_eq!(many.0, vec!["https://a.example/p", "https://a.example/q"]);
    }

    #[test]
    fn an_object_of_unexpected_shapes_reads_as_absent_fields_and_keeps_its_json() {
        let raw = json!({"type": ["Note", "Extra"], "id": "https://a.example/n", "content": {"en": "hi"}, "name": 3});
        let object = Object::from_json(raw.clone());
        assert_eq!(object.kind, None);
        assert_eq!(object.id(), Some("https://a.example/n"));
        assert_eq!(object.content, None);
        assert_eq!(object.name, None);
        assert_eq!(object.raw, raw);
        let bare = Object::from_json(json!("https://a.example/p"));
        assert_eq!(bare.id(), Some("https://a.example/p"));
        assert_eq!(bare.kind, None);
        assert_eq!(Object::from_json(json!(12)).id(), None);
    }

    #[test]
    fn an_announced_create_is_about_its_object() {
        let announced = Object::from_json(json!({
            "type": "Create", "id": "https://a.example/c",
            "object": {"type": "Page", "id": "https://a.example/p"}
        }));
        let page = announced.unwrap_create_or_update();
        assert!(page.is(ObjectKind::Page));
        assert_eq!(page.id(), Some("https://a.example/p"));
        let note = Object::from_json(json!({"type": "Note", "id": "https://a.example/n"}));
        assert!(note.unwrap_create_or_update().is(ObjectKind::Note));
    }
}
