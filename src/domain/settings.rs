//! Instance-wide values kept in the database so that every node behind a load balancer shares them.

use diesel::prelude::*;
use rand::RngCore;

use super::Result;
use crate::db::schema::instance_settings::dsl as s;
use crate::db::AnyConnection;

/// Reads a setting.
pub fn get(conn: &mut AnyConnection, key: &str) -> Result<Option<String>> {
    Ok(s::instance_settings
        .filter(s::key.eq(key))
        .select(s::value)
        .first::<String>(conn)
        .optional()?)
}

/// Writes a setting, replacing any previous value.
pub fn set(conn: &mut AnyConnection, key: &str, value: &str) -> Result<()> {
    let updated = diesel::update(s::instance_settings.filter(s::key.eq(key)))
        .set(s::value.eq(value))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(s::instance_settings)
            .values((s::key.eq(key), s::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}

/// The secret that keys CSRF tokens; made once, on first start, and shared by all nodes.
pub fn instance_secret(conn: &mut AnyConnection) -> Result<Vec<u8>> {
    if let Some(hex_secret) = get(conn, "secret")? {
        if let Ok(bytes) = hex::decode(hex_secret) {
            return Ok(bytes);
        }
    }
    let mut bytes = vec![0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    set(conn, "secret", &hex::encode(&bytes))?;
    Ok(bytes)
}
