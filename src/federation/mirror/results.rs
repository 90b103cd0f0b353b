//! Budget results a followed process published, as received (and whether their proof held).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::db::schema::remote_results;
use crate::db::AnyConnection;
use crate::domain::{new_id, now, Result};
use crate::federation::protocol::plenum::{self};
use crate::federation::urls;

use super::{text, RemoteProcess};

/// Budget results a followed process published, as received.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = remote_results)]
pub struct RemoteResults {
    pub id: String,
    pub ap_id: String,
    pub remote_process_id: String,
    pub title: String,
    pub url: String,
    pub document: String,
    pub verified: bool,
    pub received_at: NaiveDateTime,
}

impl RemoteResults {
    /// Titles of the funded projects, read from the document's outcome and tallies.
    pub fn funded(&self) -> Vec<String> {
        let Ok(doc) = serde_json::from_str::<Value>(&self.document) else {
            return Vec::new();
        };
        let selected = crate::budgeting::cli::selected_ids(&doc["outcome"]);
        doc["tallies"]
            .as_array()
            .map(|tallies| {
                tallies
                    .iter()
                    .filter(|t| {
                        t["code"]
                            .as_str()
                            .is_some_and(|c| selected.iter().any(|s| s == c))
                    })
                    .map(|t| text(t["title"].as_str().unwrap_or_default(), 200))
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub fn upsert_results(
    conn: &mut AnyConnection,
    process: &RemoteProcess,
    document: &Value,
    verified: bool,
) -> Result<()> {
    let post: plenum::Post = plenum::read(document);
    let ap_id = post.id.id_or_empty().to_string();
    diesel::delete(remote_results::table.filter(remote_results::ap_id.eq(&ap_id))).execute(conn)?;
    diesel::insert_into(remote_results::table)
        .values((
            remote_results::id.eq(new_id()),
            remote_results::ap_id.eq(&ap_id),
            remote_results::remote_process_id.eq(&process.id),
            remote_results::title.eq(text(post.name.or_empty(), 300)),
            remote_results::url.eq(urls::web_link(post.url.text(), &ap_id)),
            remote_results::document.eq(document.to_string()),
            remote_results::verified.eq(verified),
            remote_results::received_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn results_of(conn: &mut AnyConnection, process_id: &str) -> Result<Vec<RemoteResults>> {
    Ok(remote_results::table
        .filter(remote_results::remote_process_id.eq(process_id))
        .order(remote_results::received_at.desc())
        .select(RemoteResults::as_select())
        .load::<RemoteResults>(conn)?
        .into_iter()
        .map(|mut r| {
            r.url = urls::web_link(Some(&r.url), &r.ap_id);
            r
        })
        .collect())
}
