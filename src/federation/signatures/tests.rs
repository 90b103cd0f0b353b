use super::*;
use base64::Engine;
use sha2::Digest;

#[test]
fn a_claim_names_the_scheme_and_the_key_owner() {
    let mut headers = HeaderMap::new();
    headers.insert(
        "signature",
        "keyId=\"https://a.example/users/x#main-key\",algorithm=\"hs2019\",headers=\"(request-target) host date\",signature=\"AA==\""
            .parse()
            .unwrap(),
    );
    let c = claim(&headers).unwrap();
    assert_eq!(c.scheme, Scheme::Cavage);
    assert_eq!(c.owner(), "https://a.example/users/x");
    headers.insert("signature", "sig1=:AAAA:".parse().unwrap());
    headers.insert(
        "signature-input",
        "sig1=(\"@method\" \"@target-uri\");created=1700000000;keyid=\"https://b.example/u#k\""
            .parse()
            .unwrap(),
    );
    let c = claim(&headers).unwrap();
    assert_eq!(c.scheme, Scheme::Rfc9421);
    assert_eq!(c.owner(), "https://b.example/u");
}

#[test]
fn the_signed_host_must_be_ours() {
    let check = |host: &str, base: &str| {
        let mut headers = HeaderMap::new();
        headers.insert("host", host.parse().unwrap());
        check_host(&headers, base).is_ok()
    };
    assert!(check("town.example", "https://town.example"));
    assert!(check("Town.Example:443", "https://town.example"));
    assert!(check("town.example.", "https://town.example"));
    assert!(check("127.0.0.1:8080", "http://127.0.0.1:8080"));
    assert!(!check("other.example", "https://town.example"));
    assert!(!check("town.example:8443", "https://town.example"));
    assert!(!check("town.example.evil.example", "https://town.example"));
    assert!(!check("town.example@evil.example", "https://town.example"));
    assert!(!check("town.example/x", "https://town.example"));
    assert!(!check("", "https://town.example"));
    let mut twice = HeaderMap::new();
    twice.append("host", "town.example".parse().unwrap());
    twice.append("host", "town.example".parse().unwrap());
    assert!(check_host(&twice, "https://town.example").is_err());
}

/// Fedify writes `alg;keyid;created`; the base must keep that order (RFC 9421 §2.3).
#[tokio::test]
async fn rfc9421_parameters_are_signed_in_the_order_the_sender_wrote_them() {
    use rsa::pkcs8::EncodePublicKey;
    let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let public_pem = private
        .to_public_key()
        .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
        .unwrap();
    let body = Bytes::from_static(b"{\"type\":\"Like\"}");
    let b64 = base64::engine::general_purpose::STANDARD;
    let digest = format!("sha-256=:{}:", b64.encode(sha2::Sha256::digest(&body)));
    let created = chrono::Utc::now().timestamp();
    let params = format!(
        "(\"@method\" \"@target-uri\" \"content-digest\");alg=\"rsa-v1_5-sha256\";keyid=\"https://peer.example/u/ada#k\";created={created}"
    );
    let base = format!(
        "\"@method\": POST\n\"@target-uri\": https://town.example/inbox\n\"content-digest\": {digest}\n\"@signature-params\": {params}"
    );
    let signature = private
        .sign(
            rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            &sha2::Sha256::digest(base.as_bytes()),
        )
        .unwrap();
    let request = |input: &str| {
        axum::http::Request::post("/inbox")
            .header("content-digest", &digest)
            .header("signature-input", format!("sig1={input}"))
            .header("signature", format!("sig1=:{}:", b64.encode(&signature)))
            .body(())
            .unwrap()
            .into_parts()
            .0
    };
    let parts = request(&params);
    let c = claim(&parts.headers).unwrap();
    assert_eq!(c.owner(), "https://peer.example/u/ada");
    verify(&c, &parts, Some(&body), "https://town.example", &public_pem).expect("signed as written verifies");
    let reordered = params.replace(
        ";alg=\"rsa-v1_5-sha256\";keyid=\"https://peer.example/u/ada#k\"",
        ";keyid=\"https://peer.example/u/ada#k\";alg=\"rsa-v1_5-sha256\"",
    );
    let reordered = request(&reordered);
    assert!(verify(
        &claim(&reordered.headers).unwrap(),
        &reordered,
        Some(&body),
        "https://town.example",
        &public_pem
    )
    .is_err());
    assert!(verify(
        &c,
        &parts,
        Some(&Bytes::from_static(b"{}")),
        "https://town.example",
        &public_pem
    )
    .is_err());
}
