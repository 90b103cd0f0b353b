//! People's accounts: sign-up, sign-in, settings, deletion.

use diesel::prelude::*;
use serde::Serialize;

use super::hashing::HashGate;
use super::validate::{is_email, is_handle, Validator};
use super::{new_id, now, password, throttle, two_factor, Error, Msg, Result};
use crate::db::schema::{endorsements, processes, proposals, users};
use crate::db::{AnyConnection, Db};

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

/// Checks an e-mail and password. Attempts are counted per account and per client address
/// before the password is hashed, in the statement that checks the limit, so parallel guesses
/// cannot all pass; past the limit even a right password waits, so guessing is slow. A success
/// forgets the account's failures and gives the address its slot back, unless the account signs
/// in with a second factor: then that happens once the code is right ([`code_attempt`]). The hash runs outside
/// any transaction (argon2 is slow on purpose) and under the server's hashing bound.
pub async fn sign_in(
    db: &Db,
    hashing: &HashGate,
    email: &str,
    password_text: &str,
    client: &str,
) -> Result<PasswordChecked> {
    let email = email.trim().to_lowercase();
    let account_bucket = format!("login:account:{email}");
    let ip_bucket = format!("login:ip:{client}");
    let user = {
        let (email, account_bucket, ip_bucket) = (email.clone(), account_bucket.clone(), ip_bucket.clone());
        // The address first: a client already over its limit cannot lock accounts out.
        db.write(move |conn| {
            throttle::hit(conn, &ip_bucket, throttle::LOGIN_PER_IP)?;
            throttle::hit(conn, &account_bucket, throttle::LOGIN_PER_ACCOUNT)?;
            Ok::<_, Error>(
                users::table
                    .filter(users::email.eq(&email))
                    .filter(users::deleted_at.is_null())
                    .select(User::as_select())
                    .first(conn)
                    .optional()?,
            )
        })
        .await?
    };
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = match hashing.verify(password_text.to_string(), stored).await {
        Ok(matches) => matches,
        Err(busy @ Error::Busy { .. }) => {
            // No password was tried: the attempt does not count.
            db.write(move |conn| {
                throttle::release(conn, &ip_bucket)?;
                throttle::release(conn, &account_bucket)
            })
            .await?;
            return Err(busy);
        }
        Err(e) => return Err(e),
    };
    match user {
        Some(u) if matches => {
            if u.blocked {
                return Err(Error::Forbidden(Msg::new("error-account-blocked")));
            }
            let user_id = u.id.clone();
            let needs_code = db
                .write(move |conn| {
                    if two_factor::is_enabled(conn, &user_id)? {
                        // The failures stay counted until the code is right too: were the
                        // password alone to reset them, someone who knows it could guess
                        // codes forever, ten at a time.
                        return Ok(true);
                    }
                    throttle::clear(conn, &account_bucket)?;
                    throttle::release(conn, &ip_bucket)?;
                    Ok::<_, Error>(false)
                })
                .await?;
            Ok(PasswordChecked { user: u, needs_code })
        }
        _ => Err(Error::Forbidden(Msg::new("error-login-failed"))),
    }
}

/// A right password, and whether a second-factor code must follow before the person is in.
pub struct PasswordChecked {
    pub user: User,
    pub needs_code: bool,
}

/// Checks a second-factor code for `user`, counted in the same limits as passwords (per
/// account and per client address), in the caller's transaction. A right code forgets the
/// account's failures; a wrong one stays counted (the caller commits `Ok(false)`).
pub fn code_attempt(conn: &mut AnyConnection, user: &User, code: &str, client: &str) -> Result<bool> {
    let email = user.email.clone().unwrap_or_default().to_lowercase();
    let account_bucket = format!("login:account:{email}");
    let ip_bucket = format!("login:ip:{client}");
    throttle::hit(conn, &ip_bucket, throttle::LOGIN_PER_IP)?;
    throttle::hit(conn, &account_bucket, throttle::LOGIN_PER_ACCOUNT)?;
    if !two_factor::accept_code(conn, &user.id, code)? {
        return Ok(false);
    }
    throttle::clear(conn, &account_bucket)?;
    throttle::release(conn, &ip_bucket)?;
    Ok(true)
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
