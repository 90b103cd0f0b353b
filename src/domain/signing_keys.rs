//! Ed25519 keys that sign what an owner (a process) publishes, made on first use.

use diesel::prelude::*;
use ed25519_dalek::SigningKey;

use super::{now, Result};
use crate::budgeting::proof;
use crate::db::schema::signing_keys;
use crate::db::{AnyConnection, DbError};

/// The owner's key, created if it has none. Two nodes racing to create it agree: the second
/// insert is refused by the primary key and the stored key is read back.
pub fn for_owner(conn: &mut AnyConnection, owner_id: &str) -> Result<SigningKey> {
    if let Some(key) = find(conn, owner_id)? {
        return Ok(key);
    }
    let key = proof::new_key();
    let inserted = conn.transaction(|c| {
        diesel::insert_into(signing_keys::table)
            .values((
                signing_keys::owner_id.eq(owner_id),
                signing_keys::private_key.eq(hex::encode(key.to_bytes())),
                signing_keys::public_multibase.eq(proof::public_multibase(&key.verifying_key())),
                signing_keys::created_at.eq(now()),
            ))
            .execute(c)
    });
    match inserted.map_err(DbError::from) {
        Ok(_) => Ok(key),
        Err(DbError::AlreadyExists(_)) => Ok(find(conn, owner_id)?.ok_or(DbError::NotFound)?),
        Err(e) => Err(e.into()),
    }
}

/// The owner's key, if it has one.
pub fn find(conn: &mut AnyConnection, owner_id: &str) -> Result<Option<SigningKey>> {
    let stored: Option<String> = signing_keys::table
        .find(owner_id)
        .select(signing_keys::private_key)
        .first(conn)
        .optional()?;
    Ok(stored.and_then(|hex_key| {
        let bytes: [u8; 32] = hex::decode(hex_key).ok()?.try_into().ok()?;
        Some(SigningKey::from_bytes(&bytes))
    }))
}

/// The owner's public key as `publicKeyMultibase`, if it has one.
pub fn public_multibase(conn: &mut AnyConnection, owner_id: &str) -> Result<Option<String>> {
    Ok(signing_keys::table
        .find(owner_id)
        .select(signing_keys::public_multibase)
        .first(conn)
        .optional()?)
}
