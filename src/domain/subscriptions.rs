//! Following: a person follows a process or a proposal, and hears (notifications) about what
//! happens there. Authors follow their own proposals from the start.

use diesel::prelude::*;

use super::{now, Result};
use crate::db::schema::subscriptions;
use crate::db::AnyConnection;

/// What can be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Process,
    Proposal,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Process => "process",
            Target::Proposal => "proposal",
        }
    }
}

/// Starts following; following twice changes nothing.
pub fn follow(conn: &mut AnyConnection, user_id: &str, target: Target, target_id: &str) -> Result<()> {
    crate::insert_once!(
        conn,
        diesel::insert_into(subscriptions::table).values((
            subscriptions::user_id.eq(user_id),
            subscriptions::target_kind.eq(target.as_str()),
            subscriptions::target_id.eq(target_id),
            subscriptions::created_at.eq(now()),
        ))
    )?;
    Ok(())
}

pub fn unfollow(conn: &mut AnyConnection, user_id: &str, target: Target, target_id: &str) -> Result<()> {
    diesel::delete(
        subscriptions::table
            .filter(subscriptions::user_id.eq(user_id))
            .filter(subscriptions::target_kind.eq(target.as_str()))
            .filter(subscriptions::target_id.eq(target_id)),
    )
    .execute(conn)?;
    Ok(())
}

pub fn is_following(
    conn: &mut AnyConnection,
    user_id: &str,
    target: Target,
    target_id: &str,
) -> Result<bool> {
    let found: i64 = subscriptions::table
        .filter(subscriptions::user_id.eq(user_id))
        .filter(subscriptions::target_kind.eq(target.as_str()))
        .filter(subscriptions::target_id.eq(target_id))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Follows if not following, stops otherwise; returns whether the person now follows.
pub fn toggle(conn: &mut AnyConnection, user_id: &str, target: Target, target_id: &str) -> Result<bool> {
    if is_following(conn, user_id, target, target_id)? {
        unfollow(conn, user_id, target, target_id)?;
        Ok(false)
    } else {
        follow(conn, user_id, target, target_id)?;
        Ok(true)
    }
}

/// The people who follow `target_id`.
pub fn followers(conn: &mut AnyConnection, target: Target, target_id: &str) -> Result<Vec<String>> {
    Ok(subscriptions::table
        .filter(subscriptions::target_kind.eq(target.as_str()))
        .filter(subscriptions::target_id.eq(target_id))
        .select(subscriptions::user_id)
        .load(conn)?)
}
