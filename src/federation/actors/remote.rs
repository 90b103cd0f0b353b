//! The actors of other servers, as the crate fetches them and we cache them in
//! `remote_actors`, and our own actors as the crate needs them to sign a delivery.

use activitypub_federation::config::Data;
use activitypub_federation::protocol::public_key::PublicKey;
use activitypub_federation::protocol::verification::verify_domains_match;
use activitypub_federation::traits::{Actor, Object};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::db::schema::remote_actors;
use crate::db::AnyConnection;
use crate::domain::{now, Result};
use crate::federation::error::FedError;
use crate::federation::urls;
use crate::federation::FedState;

/// An actor of another server, as fetched (and cached in `remote_actors`).
#[derive(Debug, Clone)]
pub struct RemoteActor {
    pub ap_id: String,
    pub kind: String,
    pub host: String,
    pub preferred_username: String,
    pub name: String,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub public_key_pem: String,
    pub url: Option<String>,
    pub local_user_id: Option<String>,
    pub fetched_at: NaiveDateTime,
    pub id_url: Url,
}

/// What we read of an actor document (any of `Person`, `Group`, `Application`, `Service`…).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorJson {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub inbox: Url,
    #[serde(default)]
    pub endpoints: Option<Endpoints>,
    pub public_key: PublicKey,
    #[serde(default)]
    pub url: Option<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(default)]
    pub shared_inbox: Option<Url>,
}

impl RemoteActor {
    /// Where deliveries for this actor go: its server's shared inbox if it has one.
    pub fn delivery_inbox(&self) -> String {
        self.shared_inbox.clone().unwrap_or_else(|| self.inbox.clone())
    }

    /// Fetched within the hour: fresh enough to check a signature with without asking the
    /// crate (which refetches after a day; a rotated key is refetched on a failed check anyway).
    pub fn fetched_recently(&self) -> bool {
        crate::domain::now() - self.fetched_at < chrono::Duration::hours(1)
    }

    pub fn find(conn: &mut AnyConnection, ap_id: &str) -> Result<Option<RemoteActor>> {
        let row = remote_actors::table
            .filter(remote_actors::ap_id.eq(ap_id))
            .select((
                remote_actors::ap_id,
                remote_actors::kind,
                remote_actors::host,
                remote_actors::preferred_username,
                remote_actors::name,
                remote_actors::inbox,
                remote_actors::shared_inbox,
                remote_actors::public_key_pem,
                remote_actors::url,
                remote_actors::local_user_id,
                remote_actors::fetched_at,
            ))
            .first::<RemoteActorRow>(conn)
            .optional()?;
        Ok(row.and_then(RemoteActorRow::into_actor))
    }
}

type RemoteActorRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

trait IntoActor {
    fn into_actor(self) -> Option<RemoteActor>;
}

impl IntoActor for RemoteActorRow {
    fn into_actor(self) -> Option<RemoteActor> {
        let id_url = Url::parse(&self.0).ok()?;
        Some(RemoteActor {
            ap_id: self.0,
            kind: self.1,
            host: self.2,
            preferred_username: self.3,
            name: self.4,
            inbox: self.5,
            shared_inbox: self.6,
            public_key_pem: self.7,
            url: self.8,
            local_user_id: self.9,
            fetched_at: self.10,
            id_url,
        })
    }
}

#[async_trait::async_trait]
impl Object for RemoteActor {
    type DataType = FedState;
    type Kind = ActorJson;
    type Error = FedError;

    fn id(&self) -> &Url {
        &self.id_url
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        Some(self.fetched_at.and_utc())
    }

    async fn read_from_id(id: Url, data: &Data<FedState>) -> Result<Option<Self>, FedError> {
        let ap_id = id.to_string();
        Ok(data.db.read(move |conn| RemoteActor::find(conn, &ap_id)).await?)
    }

    async fn into_json(self, _data: &Data<FedState>) -> Result<ActorJson, FedError> {
        Err(FedError::bad("remote actors are served by their own server"))
    }

    async fn verify(json: &ActorJson, expected: &Url, _data: &Data<FedState>) -> Result<(), FedError> {
        verify_domains_match(&json.id, expected)?;
        if urls::host_of(&json.id) != urls::host_of(expected) {
            return Err(FedError::forbidden("actor id is not on the server it came from"));
        }
        if json.public_key.owner != json.id {
            return Err(FedError::forbidden("the actor's key belongs to another actor"));
        }
        Ok(())
    }

    async fn from_json(json: ActorJson, data: &Data<FedState>) -> Result<Self, FedError> {
        let ap_id = json.id.to_string();
        let host = urls::host_of(&json.id);
        let preferred = json
            .preferred_username
            .clone()
            .unwrap_or_else(|| json.id.path().rsplit('/').next().unwrap_or("").to_string());
        let name = crate::markdown::plain_text(json.name.as_deref().unwrap_or(&preferred));
        // Shown as a link on profile pages: a web address only.
        let url = match &json.url {
            Some(Value::String(s)) => Some(urls::web_link(Some(s), json.id.as_str())),
            _ => None,
        };
        let shared = json
            .endpoints
            .as_ref()
            .and_then(|e| e.shared_inbox.as_ref())
            .map(|u| u.to_string());
        let row = (
            remote_actors::ap_id.eq(ap_id.clone()),
            remote_actors::kind.eq(json.kind.clone()),
            remote_actors::host.eq(host),
            remote_actors::preferred_username.eq(preferred),
            remote_actors::name.eq(name),
            remote_actors::inbox.eq(json.inbox.to_string()),
            remote_actors::shared_inbox.eq(shared),
            remote_actors::public_key_pem.eq(json.public_key.public_key_pem.clone()),
            remote_actors::url.eq(url),
            remote_actors::fetched_at.eq(now()),
        );
        let id = ap_id.clone();
        data.db
            .write(move |conn| {
                let updated = diesel::update(remote_actors::table.filter(remote_actors::ap_id.eq(&id)))
                    .set(row.clone())
                    .execute(conn)?;
                if updated == 0 {
                    // Two nodes of one town can hear from a new actor at the same moment: both
                    // find no row, one insert wins. The other's insert runs in a savepoint, so its
                    // unique violation leaves the transaction usable, and it writes its copy over
                    // the winner's (both were fetched from the actor's server just now).
                    let inserted = conn.transaction(|c| {
                        diesel::insert_into(remote_actors::table)
                            .values(row.clone())
                            .execute(c)
                    });
                    match inserted.map_err(crate::db::DbError::from) {
                        Ok(_) => {}
                        Err(crate::db::DbError::AlreadyExists(_)) => {
                            diesel::update(remote_actors::table.filter(remote_actors::ap_id.eq(&id)))
                                .set(row)
                                .execute(conn)?;
                        }
                        Err(other) => return Err(other.into()),
                    }
                }
                Ok::<_, crate::domain::Error>(())
            })
            .await?;
        let id = ap_id.clone();
        data.db
            .read(move |conn| RemoteActor::find(conn, &id))
            .await?
            .ok_or_else(|| FedError::bad("actor could not be stored"))
    }
}

impl Actor for RemoteActor {
    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        None
    }

    fn inbox(&self) -> Url {
        Url::parse(&self.inbox).unwrap_or_else(|_| self.id_url.clone())
    }
}

/// One of our actors, as the crate needs it to sign a delivery.
#[derive(Debug, Clone)]
pub struct LocalSigner {
    pub id: Url,
    pub public_pem: String,
    pub private_pem: String,
}

#[async_trait::async_trait]
impl Object for LocalSigner {
    type DataType = FedState;
    type Kind = ActorJson;
    type Error = FedError;

    fn id(&self) -> &Url {
        &self.id
    }

    async fn read_from_id(_id: Url, _data: &Data<FedState>) -> Result<Option<Self>, FedError> {
        Ok(None)
    }

    async fn into_json(self, _data: &Data<FedState>) -> Result<ActorJson, FedError> {
        Err(FedError::bad("a signer is not served"))
    }

    async fn verify(_json: &ActorJson, _expected: &Url, _data: &Data<FedState>) -> Result<(), FedError> {
        Ok(())
    }

    async fn from_json(_json: ActorJson, _data: &Data<FedState>) -> Result<Self, FedError> {
        Err(FedError::bad("a signer is not received"))
    }
}

impl Actor for LocalSigner {
    fn public_key_pem(&self) -> &str {
        &self.public_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        Some(self.private_pem.clone())
    }

    fn inbox(&self) -> Url {
        self.id.clone()
    }
}
