//! People's accounts: sign-up, sign-in, settings, deletion.

use diesel::prelude::*;
use serde::Serialize;

use super::hashing::HashGate;
use super::{now, two_factor, Error, Msg, Result};
use crate::db::schema::{endorsements, proposals, users};
use crate::db::{AnyConnection, Db};

mod signin;
mod signup;

pub use signin::{code_attempt, sign_in, PasswordChecked};
pub use signup::{email_taken, insert_account, prepare_account, sign_up, NewAccount, PreparedAccount};

super::stored::stored_enum! {
    /// What an account is, stored in `users.role`.
    pub enum Role {
        /// Takes part.
        Citizen = "citizen",
        /// Town staff: runs processes and moderates.
        Admin = "admin",
        /// A person of another server who acted here (endorsed, replied): no password, no sign-in.
        Remote = "remote",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub role: String,
    pub locale: Option<String>,
    pub blocked: bool,
    pub created_at: chrono::NaiveDateTime,
    pub deleted_at: Option<chrono::NaiveDateTime>,
    /// How often they want e-mail about their notifications (`notifications::Frequency`).
    pub email_frequency: String,
    /// When the person followed the link mailed to their address; `None` until then
    /// (`account_tokens`). Only confirmed addresses get notification mail.
    pub email_confirmed_at: Option<chrono::NaiveDateTime>,
}

impl User {
    /// The stored role; one this version does not know reads as `Citizen` (no staff right
    /// is ever given by an unknown value).
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Citizen)
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Role::Admin
    }

    /// A person of another server: never signs in here.
    pub fn is_remote(&self) -> bool {
        self.role() == Role::Remote
    }

    /// The person showed the address is theirs (or the account predates confirmation).
    pub fn email_confirmed(&self) -> bool {
        self.email_confirmed_at.is_some()
    }
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<User> {
    Ok(users::table
        .filter(users::id.eq(id))
        .select(User::as_select())
        .first(conn)?)
}

pub fn find_by_username(conn: &mut AnyConnection, username: &str) -> Result<User> {
    Ok(users::table
        .filter(users::username.eq(username))
        .filter(users::deleted_at.is_null())
        .select(User::as_select())
        .first(conn)?)
}

/// Saves the interface language chosen by the person (`None` follows the browser).
pub fn set_locale(conn: &mut AnyConnection, user_id: &str, locale: Option<&str>) -> Result<()> {
    if let Some(l) = locale {
        if !crate::i18n::SUPPORTED.contains(&l) {
            return Err(Error::invalid("locale", Msg::new("error-locale")));
        }
    }
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set(users::locale.eq(locale))
        .execute(conn)?;
    Ok(())
}

/// Makes an existing account staff, or creates a staff account; used by `plenum admin`.
pub fn make_admin(conn: &mut AnyConnection, user_id: &str) -> Result<()> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set(users::role.eq(Role::Admin.as_str()))
        .execute(conn)?;
    Ok(())
}

/// Deletes an account once its password is confirmed: personal data is erased, endorsements
/// are withdrawn, and proposals and comments stay for the public record but no longer name
/// their author; what they uploaded is deleted (the ids are returned: their files go once the
/// deletion has committed). The password is checked before the transaction, under the hashing
/// bound.
pub async fn delete_account(
    db: &Db,
    hashing: &HashGate,
    user: &User,
    password_text: &str,
) -> Result<Vec<String>> {
    let ok = match user.password_hash.clone() {
        Some(stored) => hashing.verify(password_text.to_string(), Some(stored)).await?,
        None => false,
    };
    if !ok {
        return Err(Error::invalid("password", Msg::new("error-password-wrong")));
    }
    let user = user.clone();
    db.write(move |conn| erase_account(conn, &user)).await
}

fn erase_account(conn: &mut AnyConnection, user: &User) -> Result<Vec<String>> {
    let uploads = super::attachments::delete_of_uploader(conn, &user.id)?;
    let endorsed: Vec<String> = endorsements::table
        .filter(endorsements::user_id.eq(&user.id))
        .select(endorsements::proposal_id)
        .load(conn)?;
    diesel::delete(endorsements::table.filter(endorsements::user_id.eq(&user.id))).execute(conn)?;
    for proposal_id in endorsed {
        super::endorsements::recount(conn, &proposal_id)?;
    }
    diesel::update(proposals::table.filter(proposals::author_id.eq(&user.id)))
        .set(proposals::author_id.eq(None::<String>))
        .execute(conn)?;
    diesel::update(
        crate::db::schema::comments::table.filter(crate::db::schema::comments::author_id.eq(&user.id)),
    )
    .set(crate::db::schema::comments::author_id.eq(None::<String>))
    .execute(conn)?;
    super::sessions::destroy_all(conn, &user.id)?;
    two_factor::disable(conn, &user.id)?;
    // The row stays (with a scrubbed, unusable name) so that its id is never handed out again.
    diesel::update(users::table.filter(users::id.eq(&user.id)))
        .set((
            users::email.eq(None::<String>),
            users::username.eq(format!("deleted-{}", user.id)),
            users::display_name.eq(""),
            users::password_hash.eq(None::<String>),
            users::locale.eq(None::<String>),
            users::deleted_at.eq(Some(now())),
        ))
        .execute(conn)?;
    Ok(uploads)
}
