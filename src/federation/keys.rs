//! RSA key pairs of local actors (instance, process, person), made on first use.
//!
//! RSA-2048 with PKCS#1 v1.5 signatures is what Mastodon and most of the fediverse verify.

use diesel::prelude::*;

use crate::db::schema::actor_keys;
use crate::db::AnyConnection;
use crate::domain::{now, Error, Result};

/// Who owns a key: the instance, a process (by id) or a person (by user id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Instance,
    Process,
    Person,
}

impl Owner {
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Instance => "instance",
            Owner::Process => "process",
            Owner::Person => "person",
        }
    }

    pub fn parse(text: &str) -> Option<Owner> {
        match text {
            "instance" => Some(Owner::Instance),
            "process" => Some(Owner::Process),
            "person" => Some(Owner::Person),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct KeyPair {
    pub public_pem: String,
    pub private_pem: String,
}

/// The owner's key pair, created and stored the first time it is asked for. Generating a key
/// takes a moment: callers run inside `Db::write`, off the async threads.
pub fn for_owner(conn: &mut AnyConnection, owner: Owner, owner_id: &str) -> Result<KeyPair> {
    if let Some(found) = find(conn, owner, owner_id)? {
        return Ok(found);
    }
    let pair = activitypub_federation::http_signatures::generate_actor_keypair()
        .map_err(|e| Error::Db(crate::db::DbError::Task(format!("key generation failed: {e}"))))?;
    // Two requests may make the first key at once (two towns fetching the same new actor): the
    // insert runs in a savepoint, and the loser reads the winner's key.
    let inserted = conn.transaction(|c| {
        diesel::insert_into(actor_keys::table)
            .values((
                actor_keys::owner_kind.eq(owner.as_str()),
                actor_keys::owner_id.eq(owner_id),
                actor_keys::public_pem.eq(&pair.public_key),
                actor_keys::private_pem.eq(&pair.private_key),
                actor_keys::created_at.eq(now()),
            ))
            .execute(c)
    });
    match inserted.map_err(crate::db::DbError::from) {
        Ok(_) => {}
        Err(crate::db::DbError::AlreadyExists(_)) => {
            return find(conn, owner, owner_id)?.ok_or(Error::NotFound);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(KeyPair {
        public_pem: pair.public_key,
        private_pem: pair.private_key,
    })
}

pub fn find(conn: &mut AnyConnection, owner: Owner, owner_id: &str) -> Result<Option<KeyPair>> {
    Ok(actor_keys::table
        .filter(actor_keys::owner_kind.eq(owner.as_str()))
        .filter(actor_keys::owner_id.eq(owner_id))
        .select((actor_keys::public_pem, actor_keys::private_pem))
        .first::<(String, String)>(conn)
        .optional()?
        .map(|(public_pem, private_pem)| KeyPair {
            public_pem,
            private_pem,
        }))
}

/// Id under which the instance's own key is stored.
pub const INSTANCE_ID: &str = "instance";
