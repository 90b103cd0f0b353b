//! Images and documents attached to a proposal, a budget project or a process: who may add and
//! remove them, who may see them (whoever may see their owner), and the rows that describe them.
//! What a file is: [`inspect`]; where its bytes are: [`store`].

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::accounts::User;
use super::validate::Validator;
use super::{new_id, now, Error, Msg, Result};
use crate::db::schema::{attachments, proposals};
use crate::db::AnyConnection;

pub mod inspect;
mod owners;
pub mod store;

pub use inspect::{inspect, Accepted};
pub use owners::{manageable_owner, visible_owner, Owner};
pub use store::Store;

super::stored::stored_enum! {
    /// What an attachment belongs to, stored in `attachments.owner_kind` (and named so in URLs).
    pub enum OwnerKind {
        Proposal = "proposal",
        Project = "project",
        Process = "process",
    }
}

super::stored::stored_enum! {
    /// An image (shown) or a document (listed, downloaded).
    pub enum Kind {
        Image = "image",
        Document = "document",
    }
}

/// The most attachments one item may carry: enough for photos of a place, a plan and a quote.
pub const MAX_PER_OWNER: i64 = 12;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: String,
    pub owner_kind: String,
    pub owner_id: String,
    pub uploader_id: Option<String>,
    pub kind: String,
    pub content_type: String,
    /// Bytes of the largest stored file (an image's widest version, the document itself).
    pub byte_size: i64,
    /// SHA-256 of that file, hex: its `ETag`.
    pub sha256: String,
    pub alt_text: String,
    /// The name the file had on the uploader's computer, cleaned: shown, never used as a path.
    pub file_name: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub created_at: NaiveDateTime,
}

impl Attachment {
    pub fn is_image(&self) -> bool {
        self.kind == Kind::Image.as_str()
    }

    /// The address of one stored size (`400`, `1200`; `file` for a document).
    pub fn url(&self, size: &str) -> String {
        format!("/uploads/{}/{}", self.id, size)
    }

    /// The image's address for a width of the page: the smallest stored one that is enough.
    pub fn src(&self) -> String {
        self.url("1200")
    }

    pub fn thumb_src(&self) -> String {
        self.url("400")
    }

    /// Width and height of the version `size` wide at most (for `<img width height>`).
    pub fn dimensions(&self, size: u32) -> (i64, i64) {
        let (w, h) = (
            i64::from(self.width.unwrap_or(1)).max(1),
            i64::from(self.height.unwrap_or(1)).max(1),
        );
        if w <= i64::from(size) {
            (w, h)
        } else {
            (i64::from(size), (h * i64::from(size) / w).max(1))
        }
    }

    /// The stored sizes a request may name.
    pub fn has_size(&self, size: &str) -> bool {
        if self.is_image() {
            inspect::WIDTHS.iter().any(|w| w.to_string() == size)
        } else {
            size == "file"
        }
    }
}

/// An item's attachments, split as pages show them.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    pub images: Vec<Attachment>,
    pub documents: Vec<Attachment>,
}

impl Shown {
    pub fn is_empty(&self) -> bool {
        self.images.is_empty() && self.documents.is_empty()
    }

    fn from(list: Vec<Attachment>) -> Shown {
        let (images, documents) = list.into_iter().partition(Attachment::is_image);
        Shown { images, documents }
    }
}

/// The attachments of one item, oldest first.
pub fn of(conn: &mut AnyConnection, kind: OwnerKind, owner_id: &str) -> Result<Shown> {
    let list = attachments::table
        .filter(attachments::owner_kind.eq(kind.as_str()))
        .filter(attachments::owner_id.eq(owner_id))
        .order((attachments::created_at.asc(), attachments::id.asc()))
        .select(Attachment::as_select())
        .load(conn)?;
    Ok(Shown::from(list))
}

/// Whether any proposal of `process_id` has an image: a list page asks this before
/// [`first_images`], whose `IN (20 ids)` SQLite compiles anew for every page (a statement with a
/// varying number of values is not cached: a fifth of a list page's instructions in callgrind,
/// `docs/performance.md`), while this one is compiled once and reads nothing while no proposal
/// has an attachment (it walks the proposals' images, each checked against its proposal).
pub fn any_proposal_image_in(conn: &mut AnyConnection, process_id: &str) -> Result<bool> {
    let in_process = proposals::table
        .filter(proposals::id.eq(attachments::owner_id))
        .filter(proposals::process_id.eq(process_id));
    Ok(diesel::select(diesel::dsl::exists(
        attachments::table
            .filter(attachments::owner_kind.eq(OwnerKind::Proposal.as_str()))
            .filter(attachments::kind.eq(Kind::Image.as_str()))
            .filter(diesel::dsl::exists(in_process)),
    ))
    .get_result(conn)?)
}

/// The first image of each of `owner_ids` that has one, in one query (a page of proposals, a
/// budget's projects): what a card shows.
pub fn first_images(
    conn: &mut AnyConnection,
    kind: OwnerKind,
    owner_ids: &[String],
) -> Result<HashMap<String, Attachment>> {
    if owner_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let list: Vec<Attachment> = attachments::table
        .filter(attachments::owner_kind.eq(kind.as_str()))
        .filter(attachments::owner_id.eq_any(owner_ids))
        .filter(attachments::kind.eq(Kind::Image.as_str()))
        .order((attachments::created_at.asc(), attachments::id.asc()))
        .select(Attachment::as_select())
        .load(conn)?;
    let mut first = HashMap::new();
    for a in list {
        first.entry(a.owner_id.clone()).or_insert(a);
    }
    Ok(first)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Attachment> {
    Ok(attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)?)
}

/// What the form sends beside the file.
#[derive(Debug, Clone, Default)]
pub struct Details {
    /// Required for an image: what it shows, for those who cannot see it.
    pub alt_text: String,
    /// The file's name as the browser sent it (any path in it is dropped).
    pub file_name: String,
}

/// Checks the text fields of an upload before its file is looked at.
pub fn check_details(details: &Details) -> Result<()> {
    let mut v = Validator::new();
    v.optional_text("alt", &details.alt_text, 300);
    v.finish()
}

/// A file name fit to show: its last path segment, printable characters only, 100 at most.
pub fn clean_file_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(100)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "document".into()
    } else {
        cleaned
    }
}

/// A new attachment's row, for a file [`inspect`] accepted and the store holds under `id`.
pub struct NewAttachment<'a> {
    pub id: &'a str,
    pub owner: &'a Owner,
    pub uploader: &'a User,
    pub details: &'a Details,
    pub accepted: &'a Accepted,
}

/// Records an attachment: refused when an image has no alt text or the item already has
/// [`MAX_PER_OWNER`]. Runs in the action's transaction, after the files are in place.
pub fn add(conn: &mut AnyConnection, new: NewAttachment<'_>) -> Result<Attachment> {
    use sha2::Digest;
    let (kind, content_type, bytes, width, height) = match new.accepted {
        Accepted::Image {
            content_type,
            width,
            height,
            files,
        } => {
            let largest = files.last().map(|(_, b)| b.as_slice()).unwrap_or_default();
            (
                Kind::Image,
                *content_type,
                largest,
                Some(*width as i32),
                Some(*height as i32),
            )
        }
        Accepted::Document { content_type, bytes } => {
            (Kind::Document, *content_type, bytes.as_slice(), None, None)
        }
    };
    let alt = new.details.alt_text.trim();
    if kind == Kind::Image && alt.chars().count() < 2 {
        return Err(Error::invalid("alt", Msg::new("attachment-error-alt")));
    }
    let count: i64 = attachments::table
        .filter(attachments::owner_kind.eq(new.owner.kind.as_str()))
        .filter(attachments::owner_id.eq(&new.owner.id))
        .count()
        .get_result(conn)?;
    if count >= MAX_PER_OWNER {
        return Err(Error::invalid(
            "file",
            Msg::new("attachment-error-too-many").arg("max", MAX_PER_OWNER),
        ));
    }
    diesel::insert_into(attachments::table)
        .values((
            attachments::id.eq(new.id),
            attachments::owner_kind.eq(new.owner.kind.as_str()),
            attachments::owner_id.eq(&new.owner.id),
            attachments::uploader_id.eq(&new.uploader.id),
            attachments::kind.eq(kind.as_str()),
            attachments::content_type.eq(content_type),
            attachments::byte_size.eq(bytes.len() as i64),
            attachments::sha256.eq(hex::encode(sha2::Sha256::digest(bytes))),
            attachments::alt_text.eq(alt),
            attachments::file_name.eq(clean_file_name(&new.details.file_name)),
            attachments::width.eq(width),
            attachments::height.eq(height),
            attachments::created_at.eq(now()),
        ))
        .execute(conn)?;
    find(conn, new.id)
}

/// A fresh id for an attachment about to be stored.
pub fn next_id() -> String {
    new_id()
}

/// Removes one attachment of `owner` (its files go after the commit: [`Store::remove`]).
pub fn remove(conn: &mut AnyConnection, owner: &Owner, id: &str) -> Result<()> {
    let gone = diesel::delete(
        attachments::table
            .filter(attachments::id.eq(id))
            .filter(attachments::owner_kind.eq(owner.kind.as_str()))
            .filter(attachments::owner_id.eq(&owner.id)),
    )
    .execute(conn)?;
    if gone == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// What a person uploaded (the data export).
pub fn by_uploader(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<Attachment>> {
    Ok(attachments::table
        .filter(attachments::uploader_id.eq(user_id))
        .order(attachments::created_at.asc())
        .select(Attachment::as_select())
        .load(conn)?)
}

/// Deletes the rows of everything `user_id` uploaded (account deletion: their photos may show
/// them, their home, their street); returns the ids, whose files are removed after the commit.
pub fn delete_of_uploader(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<String>> {
    let ids: Vec<String> = attachments::table
        .filter(attachments::uploader_id.eq(user_id))
        .select(attachments::id)
        .load(conn)?;
    if !ids.is_empty() {
        diesel::delete(attachments::table.filter(attachments::id.eq_any(&ids))).execute(conn)?;
    }
    Ok(ids)
}
