//! A remote server for the adversarial tests: a real HTTP server on loopback that serves its
//! actors' documents (with their public keys) as any fediverse server does, and counts how
//! often each path was fetched. Requests to Plenum are signed with its actors' private keys,
//! in either scheme, and can then be broken one way at a time.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, Method, Request};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use serde_json::{json, Value};
use sha2::Digest;

/// What the page at `/page` says: it must never come back to the requester through Plenum.
pub const SECRET_PAGE: &str = "INTERNAL-ONLY-PAGE-7f3a";

#[derive(Default)]
struct Shared {
    keys: HashMap<String, PKey<Private>>,
    hits: HashMap<String, usize>,
    /// The instance actor's RSA key and the Ed25519 key it attests residency with (FEP-8b32).
    instance: Option<(PKey<Private>, ed25519_dalek::SigningKey)>,
}

pub struct Peer {
    /// `http://localhost:port`
    pub base: String,
    shared: Arc<Mutex<Shared>>,
}

fn new_key() -> PKey<Private> {
    PKey::from_rsa(openssl::rsa::Rsa::generate(2048).expect("rsa")).expect("key")
}

impl Peer {
    /// Starts the server with people `mallory` and `eve`, and `process-a`, a process (`Group`).
    pub async fn start() -> Peer {
        let shared = Arc::new(Mutex::new(Shared::default()));
        for name in ["mallory", "eve", "process-a"] {
            shared.lock().unwrap().keys.insert(name.into(), new_key());
        }
        shared.lock().unwrap().instance = Some((new_key(), plenum::budgeting::proof::new_key()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        // A name, not an IP literal: the federation library fetches from domains only.
        let port = listener.local_addr().expect("address").port();
        let base = format!("http://localhost:{port}");
        let app = axum::Router::new()
            .route("/users/{name}", axum::routing::get(actor))
            .route("/page", axum::routing::get(page))
            .route("/actor", axum::routing::get(instance_actor))
            .route(
                "/.well-known/webfinger",
                axum::routing::get(crate::peer_webfinger::answer),
            )
            .with_state((shared.clone(), base.clone()));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Peer { base, shared }
    }

    /// `host:port`, as Plenum's policy names servers.
    pub fn host(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }

    pub fn actor(&self, name: &str) -> String {
        format!("{}/users/{name}", self.base)
    }

    pub fn key_id(&self, name: &str) -> String {
        format!("{}#main-key", self.actor(name))
    }

    /// How often Plenum fetched `path` from us.
    pub fn hits(&self, path: &str) -> usize {
        self.shared.lock().unwrap().hits.get(path).copied().unwrap_or(0)
    }

    /// The actor gets a new key pair (what a server does when it rotates keys).
    pub fn rotate(&self, name: &str) {
        self.shared.lock().unwrap().keys.insert(name.into(), new_key());
    }

    fn private(&self, name: &str) -> PKey<Private> {
        self.shared.lock().unwrap().keys[name].clone()
    }

    /// An RSA key nobody publishes.
    pub fn stranger_key() -> PKey<Private> {
        new_key()
    }

    /// `name`'s key, for signing.
    pub fn key(&self, name: &str) -> PKey<Private> {
        self.private(name)
    }

    /// The instance actor, `http://localhost:port/actor`: the issuer of this town's residency
    /// attestations.
    pub fn instance_actor(&self) -> String {
        format!("{}/actor", self.base)
    }

    /// The Ed25519 key the instance actor publishes in `assertionMethod`.
    pub fn attesting_key(&self) -> ed25519_dalek::SigningKey {
        self.shared
            .lock()
            .unwrap()
            .instance
            .as_ref()
            .expect("instance")
            .1
            .clone()
    }

    /// A residency attestation for `subject` issued now by this town, as Plenum issues one.
    pub fn attest(&self, subject: &str) -> Value {
        self.attest_at(subject, chrono::Utc::now())
    }

    /// The same, issued at `at` (valid from `at` for `attestation::VALID_DAYS`).
    pub fn attest_at(&self, subject: &str, at: chrono::DateTime<chrono::Utc>) -> Value {
        plenum::federation::attestation::issue(&self.base, &self.attesting_key(), subject, at)
    }

    /// An activity by `name` with a fresh id on this server.
    pub fn activity(&self, name: &str, kind: &str, object: Value) -> Value {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/{}", self.base, uuid::Uuid::new_v4()),
            "type": kind,
            "actor": self.actor(name),
            "object": object,
        })
    }
}

async fn actor(
    State((shared, base)): State<(Arc<Mutex<Shared>>, String)>,
    Path(name): Path<String>,
) -> Response {
    let mut shared = shared.lock().unwrap();
    *shared.hits.entry(format!("/users/{name}")).or_default() += 1;
    let Some(key) = shared.keys.get(&name) else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    let pem = String::from_utf8(key.public_key_to_pem().expect("pem")).expect("utf-8");
    let id = format!("{base}/users/{name}");
    let body = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": if name.starts_with("process") { "Group" } else { "Person" },
        "preferredUsername": name,
        "name": name,
        "inbox": format!("{id}/inbox"),
        "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem},
    });
    (
        [(header::CONTENT_TYPE, "application/activity+json")],
        body.to_string(),
    )
        .into_response()
}

/// The instance actor, with the Ed25519 key of its residency attestations in `assertionMethod`
/// (what Plenum's own instance actor publishes).
async fn instance_actor(State((shared, base)): State<(Arc<Mutex<Shared>>, String)>) -> Response {
    let mut shared = shared.lock().unwrap();
    *shared.hits.entry("/actor".into()).or_default() += 1;
    let (rsa, ed) = shared.instance.as_ref().expect("instance");
    let pem = String::from_utf8(rsa.public_key_to_pem().expect("pem")).expect("utf-8");
    let id = format!("{base}/actor");
    let body = json!({
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/v1",
            "https://w3id.org/security/multikey/v1"
        ],
        "id": id,
        "type": "Application",
        "preferredUsername": "localhost",
        "inbox": format!("{base}/inbox"),
        "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem},
        "assertionMethod": [{
            "id": plenum::federation::attestation::key_id(&base),
            "type": "Multikey",
            "controller": id,
            "publicKeyMultibase": plenum::budgeting::proof::public_multibase(&ed.verifying_key()),
        }],
    });
    (
        [(header::CONTENT_TYPE, "application/activity+json")],
        body.to_string(),
    )
        .into_response()
}

async fn page(State((shared, _)): State<(Arc<Mutex<Shared>>, String)>) -> Response {
    *shared.lock().unwrap().hits.entry("/page".into()).or_default() += 1;
    (
        [(header::CONTENT_TYPE, "application/activity+json")],
        json!({"id": "x", "type": "Note", "content": SECRET_PAGE}).to_string(),
    )
        .into_response()
}

/// A request to Plenum under construction: headers in order (names may repeat).
#[derive(Clone)]
pub struct Req {
    pub method: Method,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The `Host` the test application answers as (`Config::for_local`).
pub const HOST: &str = "127.0.0.1:8080";

pub fn http_date(offset_secs: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(offset_secs))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

pub fn legacy_digest(body: &[u8]) -> String {
    format!("SHA-256={}", b64(&sha2::Sha256::digest(body)))
}

pub fn content_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", b64(&sha2::Sha256::digest(body)))
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn rsa_sign(key: &PKey<Private>, message: &str) -> Vec<u8> {
    let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), key).expect("signer");
    signer.update(message.as_bytes()).expect("update");
    signer.sign_to_vec().expect("sign")
}

impl Req {
    /// A POST of `activity` with `Host`, `Date`, `Digest` and `Content-Type`, not yet signed.
    pub fn post(path: &str, activity: &Value) -> Req {
        let body = activity.to_string().into_bytes();
        Req {
            method: Method::POST,
            path: path.into(),
            headers: vec![
                ("host".into(), HOST.into()),
                ("date".into(), http_date(0)),
                ("digest".into(), legacy_digest(&body)),
                ("content-type".into(), "application/activity+json".into()),
            ],
            body,
        }
    }

    /// A GET asking for activity JSON, with `Host` and `Date`, not yet signed.
    pub fn get(path: &str) -> Req {
        Req {
            method: Method::GET,
            path: path.into(),
            headers: vec![
                ("host".into(), HOST.into()),
                ("date".into(), http_date(0)),
                ("accept".into(), "application/activity+json".into()),
            ],
            body: Vec::new(),
        }
    }

    pub fn first(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Replaces every header `name` with one of `value`.
    pub fn set(mut self, name: &str, value: &str) -> Req {
        self.headers.retain(|(n, _)| n != name);
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds one more header `name`, before the others of that name when `before` is true.
    pub fn add(mut self, name: &str, value: &str, before: bool) -> Req {
        let entry = (name.to_string(), value.to_string());
        if before {
            self.headers.insert(0, entry);
        } else {
            self.headers.push(entry);
        }
        self
    }

    pub fn without(mut self, name: &str) -> Req {
        self.headers.retain(|(n, _)| n != name);
        self
    }

    /// The draft-cavage signing string of `signed` (space-separated names), from the first
    /// value of each header, as a sender builds it.
    pub fn signing_string(&self, signed: &str, created: Option<i64>) -> String {
        signed
            .split_whitespace()
            .map(|name| match name {
                "(request-target)" => format!(
                    "(request-target): {} {}",
                    self.method.as_str().to_lowercase(),
                    self.path
                ),
                "(created)" => format!("(created): {}", created.unwrap_or_default()),
                other => format!("{other}: {}", self.first(other).unwrap_or_default()),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Signs with draft-cavage: `signed` headers, `algorithm` label (or none).
    pub fn sign(self, key: &PKey<Private>, key_id: &str, signed: &str, algorithm: Option<&str>) -> Req {
        let signature = b64(&rsa_sign(key, &self.signing_string(signed, None)));
        let alg = algorithm
            .map(|a| format!("algorithm=\"{a}\","))
            .unwrap_or_default();
        let value = format!("keyId=\"{key_id}\",{alg}headers=\"{signed}\",signature=\"{signature}\"");
        self.set("signature", &value)
    }

    /// The usual signature: `(request-target) host date digest` (GET: without digest).
    pub fn signed(self, peer: &Peer, name: &str) -> Req {
        let list = if self.method == Method::POST {
            "(request-target) host date digest"
        } else {
            "(request-target) host date"
        };
        let key = peer.key(name);
        self.sign(&key, &peer.key_id(name), list, Some("rsa-sha256"))
    }

    /// Signs with RFC 9421. `components` are covered in order; `params` is what follows the
    /// inner list (`;created=…;keyid="…"`), written as the sender writes it.
    pub fn sign_rfc9421(mut self, key: &PKey<Private>, components: &[&str], params: &str) -> Req {
        if self.method == Method::POST && self.first("content-digest").is_none() {
            let digest = content_digest(&self.body);
            self = self.set("content-digest", &digest);
        }
        let inner = format!(
            "({}){params}",
            components
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let mut lines: Vec<String> = components
            .iter()
            .map(|c| {
                let value = match *c {
                    "@method" => self.method.as_str().to_string(),
                    "@target-uri" => format!("http://{HOST}{}", self.path),
                    "@authority" => HOST.to_string(),
                    "@path" => self.path.clone(),
                    field => self.first(field).unwrap_or_default().to_string(),
                };
                format!("\"{c}\": {value}")
            })
            .collect();
        lines.push(format!("\"@signature-params\": {inner}"));
        let signature = b64(&rsa_sign(key, &lines.join("\n")));
        self.set("signature-input", &format!("sig1={inner}"))
            .set("signature", &format!("sig1=:{signature}:"))
    }

    pub fn build(&self) -> Request<Body> {
        let mut builder = Request::builder().method(self.method.clone()).uri(&self.path);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder.body(Body::from(self.body.clone())).expect("request")
    }
}

/// `;created=…;keyid="…"` for now (plus `offset_secs`).
pub fn rfc9421_params(key_id: &str, offset_secs: i64) -> String {
    format!(
        ";created={};keyid=\"{key_id}\"",
        chrono::Utc::now().timestamp() + offset_secs
    )
}
