//! Remote fediverse actors for the inbound scenario: a small server on loopback that serves
//! `actors` distinct `Person`s (one RSA key between them: Plenum fetches and caches each actor
//! once, as it would on a busy day), and activities signed in advance (draft-cavage, as Mastodon
//! signs them) so the load generator only sends.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use base64::Engine;
use rsa::pkcs8::EncodePublicKey;
use rsa::RsaPrivateKey;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::client::Req;

pub struct Remote {
    pub base: String,
    key: RsaPrivateKey,
}

impl Remote {
    /// Starts the actors' server on a free loopback port.
    pub async fn start() -> anyhow::Result<Arc<Remote>> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://localhost:{}", listener.local_addr()?.port());
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048)?;
        let public_pem = key
            .to_public_key()
            .to_public_key_pem(rsa::pkcs8::LineEnding::LF)?;
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
        let signature = self
            .key
            .sign(
                rsa::Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(signing.as_bytes()),
            )
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
