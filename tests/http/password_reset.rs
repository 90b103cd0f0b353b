//! A forgotten password, end to end: the link mailed, the new password set under the sign-up
//! rules, other sessions ended; and the attacks: an unknown address answered the same, a link
//! reused, expired or forged, throttling per address and per client.

use diesel::prelude::*;

use plenum::db::schema::account_tokens;
use plenum::domain::now;

use crate::account_mail::{link, MailTown};
use crate::common::PASSWORD;

const NEW_PASSWORD: &str = "seven quiet otters row at dawn";

#[tokio::test]
async fn a_forgotten_password_is_reset_from_the_mailed_link_and_every_other_session_ends() {
    let town = MailTown::new(true).await;
    let (mut at_home, _) = town.app.citizen("marie").await;
    town.app.citizen("paul").await;
    at_home.get("/account").await.assert_status(200);

    let mut phone = town.app.browser();
    phone
        .get("/login")
        .await
        .assert_contains("href=\"/password/forgot\"");
    phone.get("/password/forgot").await.assert_status(200);
    phone
        .post("/password/forgot", &[("email", " Marie@Example.org ")])
        .await
        .assert_status(200)
        .assert_contains("If an account uses this address");
    let mails = town.mails_to("marie@example.org").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].list_unsubscribe.is_none(), "an account mail");
    let path = link(&mails[0], "/password/reset");
    let token = path.split("token=").nth(1).expect("token").to_string();

    // Following the link shows the form and spends nothing.
    phone.get(&path).await.assert_status(200).assert_contains(&token);
    phone.get(&path).await.assert_status(200);
    // The sign-up rules: too short, too common, the person's own name.
    for (bad, why) in [
        ("short", "password-error"),
        ("password123", "password-error"),
        ("marie marie marie", "password-error"),
    ] {
        phone
            .post("/password/reset", &[("token", &token), ("password", bad)])
            .await
            .assert_status(422)
            .assert_contains(why);
    }
    let done = phone
        .post(
            "/password/reset",
            &[("token", &token), ("password", NEW_PASSWORD)],
        )
        .await;
    done.assert_status(303);
    assert!(done.location().starts_with("/login?notice=password-reset"));

    // The session at home is over; paul's is not.
    let home = at_home.get("/account").await;
    assert!(
        home.status.is_redirection() || home.status.as_u16() == 401,
        "{}",
        home.status
    );
    let mut b = town.app.browser();
    b.post(
        "/login",
        &[("email", "marie@example.org"), ("password", PASSWORD)],
    )
    .await
    .assert_status(401);
    b.post(
        "/login",
        &[("email", "marie@example.org"), ("password", NEW_PASSWORD)],
    )
    .await
    .assert_status(303);
    // The link worked once.
    let again = phone
        .post(
            "/password/reset",
            &[("token", &token), ("password", "another fine long passphrase")],
        )
        .await;
    again
        .assert_status(410)
        .assert_contains("This link was already used")
        .assert_contains("href=\"/password/forgot\"");
    phone.get(&path).await.assert_status(410);
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_no_mail() {
    let town = MailTown::new(true).await;
    town.app.citizen("marie").await;
    let mut b = town.app.browser();
    b.get("/password/forgot").await;
    let known = b
        .post("/password/forgot", &[("email", "marie@example.org")])
        .await;
    let unknown = b
        .post("/password/forgot", &[("email", "nobody@example.org")])
        .await;
    let garbage = b
        .post(
            "/password/forgot",
            &[("email", "nobody@example.org\r\nBcc: evil@example.org")],
        )
        .await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body, "the same page, word for word");
    assert_eq!(known.body, garbage.body);
    assert_eq!(town.mails_to("marie@example.org").await.len(), 1);
    assert!(town.mails_to("nobody@example.org").await.is_empty());
    assert!(town.mails_to("evil@example.org").await.is_empty());
}

#[tokio::test]
async fn a_reset_link_lives_one_hour_and_an_expired_or_forged_one_changes_nothing() {
    let town = MailTown::new(true).await;
    town.app.citizen("marie").await;
    let mut b = town.app.browser();
    b.get("/password/forgot").await;
    b.post("/password/forgot", &[("email", "marie@example.org")])
        .await
        .assert_status(200);
    let path = link(&town.mails_to("marie@example.org").await[0], "/password/reset");
    let token = path.split("token=").nth(1).expect("token").to_string();
    let (created, expires): (chrono::NaiveDateTime, chrono::NaiveDateTime) = town
        .app
        .db(|c| {
            Ok(account_tokens::table
                .select((account_tokens::created_at, account_tokens::expires_at))
                .first(c)?)
        })
        .await;
    assert_eq!(expires - created, chrono::Duration::hours(1));
    assert!(expires > now());

    let forged = b
        .post(
            "/password/reset",
            &[
                ("token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    forged
        .assert_status(400)
        .assert_contains("We do not know this link");
    b.get("/password/reset?token=").await.assert_status(400);

    town.expire_links().await;
    b.get(&path)
        .await
        .assert_status(410)
        .assert_contains("This link has expired");
    b.post(
        "/password/reset",
        &[("token", &token), ("password", NEW_PASSWORD)],
    )
    .await
    .assert_status(410);
    // The old password still works.
    b.login("marie@example.org").await;
}

#[tokio::test]
async fn asking_for_links_is_throttled_per_address_and_per_client_whether_or_not_the_address_exists() {
    let town = MailTown::new(true).await;
    town.app.citizen("marie").await;
    let mut b = town.app.browser();
    b.get("/password/forgot").await;
    for address in ["marie@example.org", "nobody@example.org"] {
        for _ in 0..3 {
            b.post("/password/forgot", &[("email", address)])
                .await
                .assert_status(200);
        }
        b.post("/password/forgot", &[("email", address)])
            .await
            .assert_status(429);
    }
    assert_eq!(town.mails_to("marie@example.org").await.len(), 3);
    // Many addresses from one client: the client's own limit, 20 an hour (the six answered
    // above count; a refused request is rolled back with its transaction).
    for i in 0..14 {
        b.post("/password/forgot", &[("email", &format!("probe{i}@example.org"))])
            .await
            .assert_status(200);
    }
    b.post("/password/forgot", &[("email", "probe-last@example.org")])
        .await
        .assert_status(429);
    // Another client may still ask for its own address.
    let mut other = town.app.browser();
    other.peer = Some("192.0.2.7:5000".parse().expect("address"));
    other.get("/password/forgot").await;
    other
        .post("/password/forgot", &[("email", "someone@example.org")])
        .await
        .assert_status(200);
}
