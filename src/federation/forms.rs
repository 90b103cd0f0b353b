//! Which forms of an activity each peer takes.
//!
//! Most changes can be said two ways. Lemmy (and the software that follows its community
//! protocol: PieFed, Mbin) wants every change to a post as the community's `Announce` of a
//! *person's* activity (`Update` by the author or a moderator, `Delete` with a `summary` for a
//! moderator's removal), and answers 400 to `Announce(Page)` and to activities of the `Group`
//! itself. Plenum towns and Mastodon read the process's own `Update`/`Delete` and need
//! `Announce(Page)` to show a bare object. An activity queued for one form carries it
//! (`outbound_activities.form`); the worker looks up each inbox's software once (NodeInfo
//! `software.name`, cached in `peer_software`) and skips the deliveries of the other form.

use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::app::AppState;
use crate::db::schema::peer_software;
use crate::db::AnyConnection;
use crate::domain::{now, Result};

/// For software that speaks Lemmy's community protocol.
pub const LEMMY: &str = "lemmy";
/// For everyone else: Plenum towns, Mastodon, software we do not know.
pub const CLASSIC: &str = "classic";

/// What a peer's NodeInfo name stands for; unknown or unreadable software gets the classic
/// forms, which is what Plenum always sent.
pub fn form_of_software(name: &str) -> &'static str {
    match name.to_ascii_lowercase().as_str() {
        "lemmy" | "piefed" | "mbin" | "kbin" => LEMMY,
        _ => CLASSIC,
    }
}

/// How long a looked-up software name is trusted, and an unreadable NodeInfo.
const KNOWN_FOR: chrono::Duration = chrono::Duration::days(1);
const UNKNOWN_FOR: chrono::Duration = chrono::Duration::minutes(10);
/// Stored when NodeInfo could not be read.
const UNREADABLE: &str = "";

fn cached(conn: &mut AnyConnection, host: &str) -> Result<Option<(String, NaiveDateTime)>> {
    Ok(peer_software::table
        .filter(peer_software::host.eq(host))
        .select((peer_software::software, peer_software::fetched_at))
        .first(conn)
        .optional()?)
}

fn store(conn: &mut AnyConnection, host: &str, software: &str) -> Result<()> {
    diesel::delete(peer_software::table.filter(peer_software::host.eq(host))).execute(conn)?;
    diesel::insert_into(peer_software::table)
        .values((
            peer_software::host.eq(host),
            peer_software::software.eq(software),
            peer_software::fetched_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The form the server of `inbox` takes, asking its NodeInfo when not known.
pub async fn form_of_inbox(state: &Arc<AppState>, inbox: &str) -> &'static str {
    let Ok(url) = url::Url::parse(inbox) else {
        return CLASSIC;
    };
    let host = super::urls::host_of(&url);
    let key = host.clone();
    if let Ok(Some((software, at))) = state.db.read(move |conn| cached(conn, &key)).await {
        let fresh_for = if software == UNREADABLE {
            UNKNOWN_FOR
        } else {
            KNOWN_FOR
        };
        if now() - at < fresh_for {
            return form_of_software(&software);
        }
    }
    let software = super::deliver::nodeinfo_software(state, &url)
        .await
        .unwrap_or_else(|| UNREADABLE.to_string());
    let stored = software.clone();
    if let Err(e) = state.db.write(move |conn| store(conn, &host, &stored)).await {
        tracing::warn!(error = %e, "cannot remember a peer's software");
    }
    form_of_software(&software)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lemmy_and_its_kin_take_the_lemmy_forms_everyone_else_the_classic_ones() {
        assert_eq!(form_of_software("lemmy"), LEMMY);
        assert_eq!(form_of_software("PieFed"), LEMMY);
        assert_eq!(form_of_software("mbin"), LEMMY);
        assert_eq!(form_of_software("plenum"), CLASSIC);
        assert_eq!(form_of_software("mastodon"), CLASSIC);
        assert_eq!(form_of_software(""), CLASSIC);
    }
}
