//! The forms Lemmy's community protocol wants (FEP-1b12 as Lemmy reads it): a person's activity,
//! embedded in the community's `Announce` and stored at its id, and a post's text carrying what
//! Lemmy cannot show otherwise.

use diesel::prelude::*;
use serde_json::{json, Value};

use super::{record, to_followers, Followed, Peers, Site};
use crate::db::schema::users;
use crate::db::AnyConnection;
use crate::domain::accounts::Role;
use crate::domain::proposals::{Proposal, ProposalState};
use crate::domain::Result;
use crate::federation::forms::LEMMY;
use crate::federation::{content, urls};

/// The process announces a person's activity to the peers that take the Lemmy forms.
pub(super) fn announce(conn: &mut AnyConnection, site: &Site, to: &Followed, inner: Value) -> Result<usize> {
    let inner = record(conn, site, &to.signer, |id| {
        let mut inner = inner;
        inner["id"] = json!(id);
        inner
    })?;
    let sent = to.send(conn, site, Peers::Taking(LEMMY), |id| {
        to_followers(id, "Announce", &to.group, inner)
    })?;
    Ok(sent)
}

/// A person's activity about something in the process, as Lemmy wants it inside the
/// community's `Announce`; [`announce`] gives it its id.
pub(super) fn person_activity(kind: &str, actor: &str, group: &str, object: Value) -> Value {
    let mut body = super::activity("", kind, actor, object, json!([urls::PUBLIC]));
    body["cc"] = json!([group]);
    body["audience"] = json!(group);
    body
}

/// Who speaks for the town's staff to Lemmy: the longest-standing administrator, listed in the
/// process's `moderators` collection (Lemmy checks a moderator's changes against it).
pub(super) fn moderator(conn: &mut AnyConnection, site: &Site) -> Result<Option<String>> {
    Ok(users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::deleted_at.is_null())
        .order((users::created_at.asc(), users::id.asc()))
        .select(users::username)
        .first::<String>(conn)
        .optional()?
        .map(|u| urls::person(&site.base, &u)))
}

/// The `Page` as Lemmy shows it: Lemmy keeps only the text, so the state and the official
/// answer are written under the body (in `content` and in the Markdown `source` it prefers), in
/// the town's language.
pub(super) fn page_for_lemmy(page: &Value, proposal: &Proposal, locale: &str) -> Value {
    let mut page = page.clone();
    if proposal.state() == ProposalState::Published && proposal.answer_html.is_none() {
        return page;
    }
    let tr = crate::i18n::I18n::shared().tr(locale);
    let state = tr.t_with(
        "federation-lemmy-state",
        &[("state", tr.t(&format!("state-{}", proposal.state)))],
    );
    let state_html = content::escape(&state);
    let mut html = format!("<hr><p><strong>{state_html}</strong></p>");
    let mut markdown = format!("\n\n---\n\n**{state}**");
    if let (Some(answer_html), Some(answer)) = (&proposal.answer_html, &proposal.answer) {
        let heading = tr.t("federation-lemmy-official-answer");
        let heading_html = content::escape(&heading);
        html.push_str(&format!("<p><strong>{heading_html}</strong></p>{answer_html}"));
        markdown.push_str(&format!("\n\n**{heading}**\n\n{answer}"));
    }
    let content = format!("{}{html}", page["content"].as_str().unwrap_or_default());
    page["content"] = Value::String(content);
    let source = format!(
        "{}{markdown}",
        page["source"]["content"].as_str().unwrap_or_default()
    );
    page["source"] = json!({ "content": source, "mediaType": "text/markdown" });
    page
}
