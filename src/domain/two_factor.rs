//! Two-factor sign-in: a person's TOTP secret, their one-time recovery codes, and sign-ins
//! half done (password right, code still to come). The code arithmetic is in [`super::totp`].

use diesel::prelude::*;
use rand::Rng;

use super::{now, sessions, totp, Error, Msg, Result};
use crate::db::schema::{pending_sign_ins, recovery_codes, two_factor, users};
use crate::db::AnyConnection;

/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// How long the code may take after the password: long enough to open an app, short enough
/// that a half-signed-in browser left alone is soon worth nothing.
pub const PENDING_LIFETIME: chrono::Duration = chrono::Duration::minutes(5);

/// Whether `user_id` signs in with a code.
pub fn is_enabled(conn: &mut AnyConnection, user_id: &str) -> Result<bool> {
    let enabled: Option<bool> = users::table
        .filter(users::id.eq(user_id))
        .select(enabled_for_user())
        .first(conn)
        .optional()?;
    Ok(enabled.unwrap_or(false))
}

/// Whether the `users` row of the query it is put in signs in with a code (a correlated
/// `EXISTS`), so the session lookup reads it in the same statement as the account.
#[diesel::dsl::auto_type(no_type_alias)]
pub fn enabled_for_user() -> _ {
    diesel::dsl::exists(
        two_factor::table
            .filter(two_factor::user_id.eq(users::id))
            .filter(two_factor::enabled_at.is_not_null()),
    )
}

/// The secret a person is enrolling with: the one shown before if they have not confirmed it
/// yet (so reloading the page does not change the QR code under their phone), else a new one.
/// Refused when two-factor sign-in is already on: turning it off comes first.
pub fn secret_to_enrol(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<u8>> {
    let existing: Option<(String, Option<chrono::NaiveDateTime>)> = two_factor::table
        .filter(two_factor::user_id.eq(user_id))
        .select((two_factor::secret, two_factor::enabled_at))
        .first(conn)
        .optional()?;
    match existing {
        Some((_, Some(_))) => Err(Error::Conflict(Msg::new("two-factor-already-on"))),
        Some((secret, None)) => Ok(totp::from_base32(&secret).unwrap_or_default()),
        None => {
            let secret = totp::new_secret();
            diesel::insert_into(two_factor::table)
                .values((
                    two_factor::user_id.eq(user_id),
                    two_factor::secret.eq(totp::base32(&secret)),
                    two_factor::last_step.eq(0i64),
                    two_factor::created_at.eq(now()),
                ))
                .execute(conn)?;
            Ok(secret)
        }
    }
}

/// Turns two-factor sign-in on once `code` shows the person's app has the secret; returns the
/// recovery codes, shown once and stored hashed.
pub fn confirm(conn: &mut AnyConnection, user_id: &str, code: &str) -> Result<Vec<String>> {
    let row: Option<(String, Option<chrono::NaiveDateTime>)> = two_factor::table
        .filter(two_factor::user_id.eq(user_id))
        .select((two_factor::secret, two_factor::enabled_at))
        .first(conn)
        .optional()?;
    let secret = match row {
        Some((_, Some(_))) => return Err(Error::Conflict(Msg::new("two-factor-already-on"))),
        Some((secret, None)) => totp::from_base32(&secret).unwrap_or_default(),
        None => return Err(Error::invalid("code", Msg::new("two-factor-error-start-again"))),
    };
    let step = totp::matching_step(&secret, code, current_step(), 0)
        .ok_or_else(|| Error::invalid("code", Msg::new("two-factor-error-code")))?;
    diesel::update(two_factor::table.filter(two_factor::user_id.eq(user_id)))
        .set((
            two_factor::enabled_at.eq(Some(now())),
            two_factor::last_step.eq(step),
        ))
        .execute(conn)?;
    replace_recovery_codes(conn, user_id)
}

/// Checks a code at sign-in (or to turn two-factor off): a TOTP code within the window and
/// newer than the last accepted one, or an unused recovery code. Either is spent by being
/// accepted, in a conditional update, so two requests racing with one code cannot both pass.
pub fn accept_code(conn: &mut AnyConnection, user_id: &str, code: &str) -> Result<bool> {
    let typed: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if typed.len() == totp::DIGITS as usize && typed.bytes().all(|b| b.is_ascii_digit()) {
        accept_totp(conn, user_id, &typed)
    } else {
        accept_recovery_code(conn, user_id, &typed)
    }
}

fn accept_totp(conn: &mut AnyConnection, user_id: &str, code: &str) -> Result<bool> {
    let row: Option<(String, i64)> = two_factor::table
        .filter(two_factor::user_id.eq(user_id))
        .filter(two_factor::enabled_at.is_not_null())
        .select((two_factor::secret, two_factor::last_step))
        .first(conn)
        .optional()?;
    let Some((secret, last_step)) = row else {
        return Ok(false);
    };
    let secret = totp::from_base32(&secret).unwrap_or_default();
    let Some(step) = totp::matching_step(&secret, code, current_step(), last_step) else {
        return Ok(false);
    };
    let moved = diesel::update(
        two_factor::table
            .filter(two_factor::user_id.eq(user_id))
            .filter(two_factor::last_step.lt(step)),
    )
    .set(two_factor::last_step.eq(step))
    .execute(conn)?;
    Ok(moved == 1)
}

fn accept_recovery_code(conn: &mut AnyConnection, user_id: &str, code: &str) -> Result<bool> {
    if code.is_empty() || code.len() > 64 {
        return Ok(false);
    }
    let spent = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(recovery_hash(user_id, code)))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(now())))
    .execute(conn)?;
    Ok(spent == 1)
}

/// How many recovery codes are left unused.
pub fn recovery_codes_left(conn: &mut AnyConnection, user_id: &str) -> Result<i64> {
    Ok(recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)?)
}

/// New recovery codes for a person with two-factor sign-in on (the caller checked their
/// password and a code); the old ones, used or not, stop working.
pub fn regenerate_recovery_codes(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<String>> {
    if !is_enabled(conn, user_id)? {
        return Err(Error::Conflict(Msg::new("notice-two-factor-off")));
    }
    replace_recovery_codes(conn, user_id)
}

/// New recovery codes in place of the old ones (all of which stop working).
fn replace_recovery_codes(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<String>> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id))).execute(conn)?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    for code in &codes {
        let typed: String = code.chars().filter(|c| *c != '-').collect();
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(recovery_hash(user_id, &typed)),
            ))
            .execute(conn)?;
    }
    Ok(codes)
}

/// Ten characters of an alphabet without look-alikes (50 bits), grouped by five for reading.
fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let chars: String = (0..10)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// The stored form of a recovery code: salted with the person's id, so one list of hashes
/// cannot be tried against every account at once.
fn recovery_hash(user_id: &str, typed: &str) -> String {
    sessions::digest(&format!("recovery\0{user_id}\0{}", typed.to_lowercase()))
}

/// Turns two-factor sign-in off (the caller checked the password and a code, or is the
/// operator); half-done sign-ins of the account end with it.
pub fn disable(conn: &mut AnyConnection, user_id: &str) -> Result<()> {
    diesel::delete(two_factor::table.filter(two_factor::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(pending_sign_ins::table.filter(pending_sign_ins::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id))).execute(conn)?;
    Ok(())
}

fn current_step() -> i64 {
    totp::step_at(now().and_utc().timestamp())
}

/// Records a sign-in waiting for its code, bound to the browser's `visitor` id; returns the
/// secret for the browser's cookie. The person's earlier half-done sign-ins are dropped.
pub fn start_pending(conn: &mut AnyConnection, user_id: &str, visitor: &str) -> Result<String> {
    let secret = sessions::new_secret();
    let created = now();
    diesel::delete(
        pending_sign_ins::table
            .filter(pending_sign_ins::user_id.eq(user_id))
            .filter(pending_sign_ins::expires_at.le(created)),
    )
    .execute(conn)?;
    diesel::insert_into(pending_sign_ins::table)
        .values((
            pending_sign_ins::token_hash.eq(sessions::digest(&secret)),
            pending_sign_ins::user_id.eq(user_id),
            pending_sign_ins::visitor_hash.eq(sessions::digest(visitor)),
            pending_sign_ins::created_at.eq(created),
            pending_sign_ins::expires_at.eq(created + PENDING_LIFETIME),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// The person a half-done sign-in belongs to, if it exists, has not expired and was started
/// in this browser (the same visitor cookie): a stolen pending cookie alone finishes nothing.
pub fn pending_user(conn: &mut AnyConnection, secret: &str, visitor: &str) -> Result<Option<String>> {
    Ok(pending_sign_ins::table
        .filter(pending_sign_ins::token_hash.eq(sessions::digest(secret)))
        .filter(pending_sign_ins::visitor_hash.eq(sessions::digest(visitor)))
        .filter(pending_sign_ins::expires_at.gt(now()))
        .select(pending_sign_ins::user_id)
        .first(conn)
        .optional()?)
}

/// Ends a half-done sign-in (finished, or abandoned).
pub fn end_pending(conn: &mut AnyConnection, secret: &str) -> Result<()> {
    diesel::delete(pending_sign_ins::table.filter(pending_sign_ins::token_hash.eq(sessions::digest(secret))))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_ten_characters_in_two_groups() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert_ne!(new_recovery_code(), code);
    }

    #[test]
    fn a_recovery_hash_depends_on_the_account() {
        assert_ne!(recovery_hash("a", "abcde23456"), recovery_hash("b", "abcde23456"));
        assert_eq!(recovery_hash("a", "ABCDE23456"), recovery_hash("a", "abcde23456"));
    }
}
