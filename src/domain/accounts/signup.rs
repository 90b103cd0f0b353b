//! Creating an account: the form checked, the password hashed outside the writer, the row
//! inserted (with what the caller adds in the same transaction).

use diesel::prelude::*;

use super::{Role, User};
use crate::db::schema::{processes, users};
use crate::db::{AnyConnection, Db};
use crate::domain::hashing::HashGate;
use crate::domain::validate::{is_email, is_handle, Validator};
use crate::domain::{new_id, now, password, throttle, Error, Msg, Result};

/// What a person types to create an account.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewAccount {
    pub email: String,
    pub username: String,
    pub display_name: String,
    pub password: String,
}

/// A sign-up form that passed the checks that need no database, with its password hashed.
pub struct PreparedAccount {
    email: String,
    username: String,
    display_name: String,
    password_hash: String,
}

/// Checks the fields and hashes the password, for seeding and the command line (the server
/// hashes through [`HashGate`] instead, in [`sign_up`]).
pub fn prepare_account(form: &NewAccount) -> Result<PreparedAccount> {
    let mut prepared = check_fields(form)?;
    prepared.password_hash = password::hash(&form.password);
    Ok(prepared)
}

/// The checks that need neither the database nor a hash, so a mistyped form costs no hashing
/// and no attempt. The hash is left empty.
fn check_fields(form: &NewAccount) -> Result<PreparedAccount> {
    let email = form.email.trim().to_lowercase();
    let username = form.username.trim().to_lowercase();
    let display_name = form.display_name.trim().to_string();
    let mut v = Validator::new();
    if !is_email(&email) {
        v.add("email", Msg::new("error-email"));
    }
    if !is_handle(&username) {
        v.add("username", Msg::new("error-handle"));
    }
    // A name is one line: it goes into mail headers and every page's header.
    if display_name.chars().any(char::is_control) {
        v.add("display_name", Msg::new("error-control-characters"));
    } else {
        v.text("display_name", &display_name, 2, 80);
    }
    let local_part = email.split('@').next().unwrap_or("");
    if let Err(msg) = password::check_new(&form.password, &[local_part, &username, "plenum"]) {
        v.add("password", msg);
    }
    v.finish()?;
    Ok(PreparedAccount {
        email,
        username,
        display_name,
        password_hash: String::new(),
    })
}

/// True when an account has `email` (a deleted account's address is erased, so it is free again).
pub fn email_taken(conn: &mut AnyConnection, email: &str) -> Result<bool> {
    Ok(users::table
        .filter(users::email.eq(email))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Stores a prepared account, refusing an e-mail or name already taken. `confirmed`: the
/// address counts as the person's from the start (accounts the operator or the seed makes);
/// otherwise it waits for the link of a confirmation mail.
pub fn insert_account(
    conn: &mut AnyConnection,
    account: PreparedAccount,
    role: Role,
    confirmed: bool,
) -> Result<User> {
    let email_taken = email_taken(conn, &account.email)?;
    // User names and process slugs share one namespace: both become `acct:NAME@town`.
    let name_taken = users::table
        .filter(users::username.eq(&account.username))
        .count()
        .get_result::<i64>(conn)?
        > 0
        || processes::table
            .filter(processes::slug.eq(&account.username))
            .count()
            .get_result::<i64>(conn)?
            > 0;
    let mut v = Validator::new();
    if email_taken {
        v.add("email", Msg::new("error-email-taken"));
    }
    if name_taken {
        v.add("username", Msg::new("error-handle-taken"));
    }
    v.finish()?;

    let user = User {
        id: new_id(),
        username: account.username,
        email: Some(account.email),
        display_name: account.display_name,
        password_hash: Some(account.password_hash),
        role: role.as_str().to_string(),
        locale: None,
        blocked: false,
        created_at: now(),
        deleted_at: None,
        email_frequency: "daily".into(),
        email_confirmed_at: confirmed.then(now),
    };
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&user.id),
            users::username.eq(&user.username),
            users::email.eq(&user.email),
            users::display_name.eq(&user.display_name),
            users::password_hash.eq(&user.password_hash),
            users::role.eq(&user.role),
            users::blocked.eq(false),
            users::created_at.eq(user.created_at),
            users::email_confirmed_at.eq(user.email_confirmed_at),
        ))
        .execute(conn)?;
    Ok(user)
}

/// Creates an account: checks, one sign-up attempt counted for `client`, hashing, then one
/// short transaction, in which `then` runs after the insert (the confirmation mail is queued
/// there, so an account never exists without it). The attempt is counted before the hash so
/// that parallel sign-ups cannot all pass the limit. `confirmed`: see [`insert_account`].
pub async fn sign_up<F>(
    db: &Db,
    hashing: &HashGate,
    form: NewAccount,
    role: Role,
    client: &str,
    confirmed: bool,
    then: F,
) -> Result<User>
where
    F: FnOnce(&mut AnyConnection, &User) -> Result<()> + Send + 'static,
{
    let mut prepared = check_fields(&form)?;
    let bucket = format!("signup:ip:{client}");
    let counted = bucket.clone();
    db.write(move |c| throttle::hit(c, &counted, throttle::SIGNUP_PER_IP))
        .await?;
    prepared.password_hash = match hashing.hash(form.password).await {
        Ok(hash) => hash,
        Err(busy @ Error::Busy { .. }) => {
            // Nothing was hashed: the attempt does not count.
            db.write(move |c| throttle::release(c, &bucket)).await?;
            return Err(busy);
        }
        Err(e) => return Err(e),
    };
    db.write(move |c| {
        let user = insert_account(c, prepared, role, confirmed)?;
        then(c, &user)?;
        Ok(user)
    })
    .await
}
