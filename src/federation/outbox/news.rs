//! The process itself speaks to its followers: its own changes, its published results, its news.

use serde_json::{json, Value};

use super::{followed, lemmy, record, to_followers, Peers, Site};
use crate::db::AnyConnection;
use crate::domain::{processes as process_rules, Result};
use crate::federation::forms::CLASSIC;
use crate::federation::{actors, urls};

pub(super) fn process_changed(conn: &mut AnyConnection, site: &Site, process_id: &str) -> Result<usize> {
    let Some(to) = followed(conn, site, process_id)? else {
        return Ok(0);
    };
    let detail = process_rules::detail_by_id(conn, process_id)?;
    let actor = actors::process_json(conn, &site.base, &detail, site.logo.as_deref())?;
    let mut sent = to.send(conn, site, Peers::Taking(CLASSIC), |id| {
        let mut update = super::activity(
            id,
            "Update",
            to.group.as_str(),
            actor.clone(),
            json!([urls::PUBLIC]),
        );
        update["cc"] = json!([format!("{}/followers", to.group)]);
        update
    })?;
    // Lemmy takes a community's changes from one of its moderators, announced.
    if let Some(moderator) = lemmy::moderator(conn, site)? {
        let inner = lemmy::person_activity("Update", &moderator, &to.group, actor);
        sent += lemmy::announce(conn, site, &to, inner)?;
    }
    Ok(sent)
}

/// The signed results `Document` (FEP-8b32 proof inside, as published), created by the process,
/// and a readable `Note` for timelines.
pub(super) fn results_published(
    conn: &mut AnyConnection,
    site: &Site,
    budget_id: &str,
    summary_html: &str,
) -> Result<usize> {
    let budget = crate::domain::budgets::find(conn, budget_id)?;
    let Some(to) = followed(conn, site, &budget.process_id)? else {
        return Ok(0);
    };
    let Some(text) = budget.published_outcome.as_deref() else {
        return Ok(0);
    };
    let document: Value = serde_json::from_str(text).map_err(|e| {
        crate::domain::Error::Db(crate::db::DbError::Task(format!(
            "stored results unreadable: {e}"
        )))
    })?;
    // Lemmy takes no object created by a community itself.
    let sent = to.send(conn, site, Peers::Taking(CLASSIC), |id| {
        to_followers(id, "Create", &to.group, document)
    })?;
    Ok(sent + news(conn, site, &budget.process_id, summary_html)?)
}

/// A `Note` by the process to its followers' timelines; stored so it can be fetched at its id.
pub(super) fn news(conn: &mut AnyConnection, site: &Site, process_id: &str, html: &str) -> Result<usize> {
    let Some(to) = followed(conn, site, process_id)? else {
        return Ok(0);
    };
    let note = record(conn, site, &to.signer, |id| {
        json!({
            "@context": urls::context(),
            "id": id,
            "type": "Note",
            "attributedTo": to.group,
            "content": html,
            "mediaType": "text/html",
            "to": [urls::PUBLIC],
            "cc": [format!("{}/followers", to.group)],
            "audience": to.group,
            "published": crate::domain::now().and_utc().to_rfc3339(),
        })
    })?;
    let sent = to.send(conn, site, Peers::Taking(CLASSIC), |id| {
        to_followers(id, "Create", &to.group, note)
    })?;
    Ok(sent)
}
