//! Remote fediverse actors for the inbound scenario: a small server on loopback that serves
//! `actors` distinct `Person`s (one RSA key between them: Plenum fetches and caches each actor
//! once, as it would on a busy day), and activities signed in advance (draft-cavage, as Mastodon
//! signs them) so the load generator only sends. Signing uses OpenSSL on every core: a 10 s run
//! at 5,000/s needs 50,000+ signatures ready before the clock starts.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use base64::Engine;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::client::Req;

pub struct Remote {
    pub base: String,
    key: PKey<Private>,
}

impl Remote {
    /// Starts the actors' server on a free loopback port.
    pub async fn start() -> anyhow::Result<Arc<Remote>> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://localhost:{}", listener.local_addr()?.port());
        let key = PKey::from_rsa(openssl::rsa::Rsa::generate(2048)?)?;
        let public_pem = String::from_utf8(key.public_key_to_pem()?)?;
        let remote = Arc::new(Remote {
            base: base.clone(),
            key,
        });
        let app = Router::new()
            .route("/actors/{n}", get(actor))
            .with_state(Arc::new((base, public_pem)));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(remote)
    }

    pub fn actor_id(&self, n: usize) -> String {
        format!("{}/actors/{n}", self.base)
    }

    /// Signs activity `k` of actor `n`: a `Like` of `proposal`, or every other one a reply
    /// (`Create(Note)`), for Plenum's shared inbox at `inbox`.
    pub fn signed(&self, n: usize, k: usize, proposal: &str, inbox: &str) -> Req {
        let actor = self.actor_id(n);
        let activity = if k.is_multiple_of(2) {
            json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{actor}/likes/{k}"),
                "type": "Like",
                "actor": actor,
                "object": proposal,
            })
        } else {
            let note = format!("{actor}/notes/{k}");
            json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{note}/activity"),
                "type": "Create",
                "actor": actor,
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "object": {
                    "id": note,
                    "type": "Note",
                    "attributedTo": actor,
                    "inReplyTo": proposal,
                    "content": "<p>Yes, and benches in the shade too.</p>",
                },
            })
        };
        let body = activity.to_string().into_bytes();
        let url = url::Url::parse(inbox).expect("inbox URL");
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_string(),
        };
        let date = httpdate(std::time::SystemTime::now());
        let b64 = base64::engine::general_purpose::STANDARD;
        let digest = format!("SHA-256={}", b64.encode(Sha256::digest(&body)));
        let signing = format!(
            "(request-target): post {}\nhost: {host}\ndate: {date}\ndigest: {digest}",
            url.path()
        );
        let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), &self.key).expect("signer");
        let signature = signer
            .sign_oneshot_to_vec(signing.as_bytes())
            .expect("RSA signature");
        Req {
            method: reqwest::Method::POST,
            url: inbox.to_string(),
            headers: vec![
                ("host", host),
                ("date", date),
                ("digest", digest),
                ("content-type", "application/activity+json".into()),
                (
                    "signature",
                    format!(
                        "keyId=\"{actor}#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{}\"",
                        b64.encode(signature)
                    ),
                ),
            ],
            body: Some(body),
        }
    }

    /// Signs many activities (`(actor, index, object)`) on every core, in the given order.
    pub fn signed_all(&self, activities: &[(usize, usize, String)], inbox: &str) -> Vec<Req> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let chunk = activities.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let parts: Vec<_> = activities
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|(n, k, object)| self.signed(*n, *k, object, inbox))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|part| part.join().expect("signing thread"))
                .collect()
        })
    }
}

async fn actor(State(site): State<Arc<(String, String)>>, Path(n): Path<usize>) -> impl IntoResponse {
    let (base, pem) = (&site.0, &site.1);
    let id = format!("{base}/actors/{n}");
    (
        [("content-type", "application/activity+json")],
        json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": id,
            "type": "Person",
            "preferredUsername": format!("user{n}"),
            "name": format!("Remote user {n}"),
            "inbox": format!("{id}/inbox"),
            "publicKey": { "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem },
        })
        .to_string(),
    )
}

/// An HTTP date (`Mon, 30 Nov 2026 09:00:00 GMT`).
fn httpdate(at: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}
