//! The account standing for a person of another server here, made on their first action (an
//! endorsement, a reply, a report), so their actions count and can be moderated like anyone's.

use diesel::prelude::*;

use crate::db::schema::{remote_actors, users};
use crate::db::AnyConnection;
use crate::domain::accounts::{self, User};
use crate::domain::{new_id, now};
use crate::federation::actors::RemoteActor;

/// The account standing for a remote person, made on their first action.
pub fn remote_user(conn: &mut AnyConnection, actor: &RemoteActor) -> crate::domain::Result<User> {
    match known_remote_user(conn, actor)? {
        Some(user) => Ok(user),
        None => create_remote_user(conn, actor),
    }
}

/// The account already standing for a remote person, if they acted here before. Read before
/// the write (with the proposal and its process), so that the single writer does less.
pub fn known_remote_user(
    conn: &mut AnyConnection,
    actor: &RemoteActor,
) -> crate::domain::Result<Option<User>> {
    let Some(user_id) = &actor.local_user_id else {
        return Ok(None);
    };
    match accounts::find(conn, user_id) {
        Ok(user) => Ok(Some(user)),
        Err(crate::domain::Error::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

fn create_remote_user(conn: &mut AnyConnection, actor: &RemoteActor) -> crate::domain::Result<User> {
    let base_name = format!("{}@{}", actor.preferred_username, actor.host).to_lowercase();
    let mut username = base_name.clone();
    let mut n = 1;
    while users::table
        .filter(users::username.eq(&username))
        .count()
        .get_result::<i64>(conn)?
        > 0
    {
        n += 1;
        username = format!("{base_name}~{n}");
    }
    let id = new_id();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::username.eq(&username),
            users::display_name.eq(&actor.name),
            users::role.eq(accounts::Role::Remote.as_str()),
            users::blocked.eq(false),
            users::created_at.eq(now()),
        ))
        .execute(conn)?;
    diesel::update(remote_actors::table.filter(remote_actors::ap_id.eq(&actor.ap_id)))
        .set(remote_actors::local_user_id.eq(&id))
        .execute(conn)?;
    accounts::find(conn, &id)
}
