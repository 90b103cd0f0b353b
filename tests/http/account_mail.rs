//! Account mails, end to end through the router, reading what is sent (a folder of `.eml`
//! files, or the real SMTP sink): confirming the address at sign-up, asking for the link again,
//! changing the address; and the attacks on their links (reused, expired, forged, another
//! account's, another purpose's), header injection, throttling. Password resets are in
//! `password_reset.rs`, which shares these fixtures.

#![allow(dead_code)]

use std::path::PathBuf;

use diesel::prelude::*;

use plenum::config::MailTransport;
use plenum::db::schema::{account_tokens, mails, users};
use plenum::domain::accounts::User;
use plenum::domain::now;

use crate::common::{Allow, Browser, Page, TestApp, PASSWORD};
use crate::mail_sink::{read_folder, Received, SmtpSink};

/// A town whose mail goes to a folder of its own, with the confirmation required or not.
pub struct MailTown {
    pub app: TestApp,
    pub dir: PathBuf,
}

impl Drop for MailTown {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl MailTown {
    pub async fn new(require_confirmation: bool) -> MailTown {
        let dir = std::env::temp_dir().join(format!("plenum-account-mail-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("mail folder");
        let folder = dir.clone();
        let app = TestApp::with_config(move |c| {
            c.mail.transport = MailTransport::Dir(folder);
            c.require_email_confirmation = require_confirmation;
        })
        .await;
        MailTown { app, dir }
    }

    /// Sends what is queued, then every mail written to `address` so far, oldest first.
    pub async fn mails_to(&self, address: &str) -> Vec<Received> {
        drain(&self.app).await;
        read_folder(&self.dir)
            .into_iter()
            .filter(|m| m.to == address)
            .collect()
    }

    pub async fn sign_up(&self, username: &str) -> Browser {
        sign_up(&self.app, username).await
    }

    pub async fn account(&self, email: &str) -> User {
        account(&self.app, email).await
    }

    pub async fn expire_links(&self) {
        expire_links(&self.app).await
    }
}

/// A visitor signs up through the form; returns their signed-in browser.
pub async fn sign_up(app: &TestApp, username: &str) -> Browser {
    let mut b = app.browser();
    b.get("/signup").await;
    b.post(
        "/signup",
        &[
            ("email", &format!("{username}@example.org")),
            ("username", username),
            ("display_name", &format!("{username} display")),
            ("password", PASSWORD),
        ],
    )
    .await
    .assert_status(303);
    b
}

/// The account that has `email` now.
pub async fn account(app: &TestApp, email: &str) -> User {
    let email = email.to_string();
    app.db(move |c| {
        Ok(users::table
            .filter(users::email.eq(email))
            .select(User::as_select())
            .first(c)?)
    })
    .await
}

/// Makes every stored link expire (as if their time had passed).
pub async fn expire_links(app: &TestApp) {
    app.state
        .db
        .write(|c| {
            diesel::update(account_tokens::table)
                .set(account_tokens::expires_at.eq(now() - chrono::Duration::seconds(1)))
                .execute(c)?;
            Ok::<_, plenum::domain::Error>(())
        })
        .await
        .expect("expire links");
}

/// A town whose mail goes to a real SMTP server.
async fn app_mailing_to(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    TestApp::with_config(move |c| {
        c.mail.transport = MailTransport::Smtp(url);
        c.mail.timeout = std::time::Duration::from_secs(2);
    })
    .await
}

/// Runs the mail worker until nothing is left to send now.
pub async fn drain(app: &TestApp) {
    for _ in 0..20 {
        if plenum::mail::run_once(&app.state).await.expect("mail worker") == 0 {
            break;
        }
    }
}

/// The link of the mail that starts with `path` (e.g. `/email/confirm`), as a path and query of
/// this site.
pub fn link(mail: &Received, path: &str) -> String {
    let at = mail
        .text
        .find(&format!("{path}?token="))
        .unwrap_or_else(|| panic!("no {path} link in: {}", mail.text));
    let rest = &mail.text[at..];
    rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())].to_string()
}

fn assert_refused(page: &Page, status: u16, reason: &str) {
    page.assert_status(status).assert_contains(reason);
}

#[tokio::test]
async fn signing_up_mails_a_link_that_confirms_the_address_and_until_then_one_cannot_take_part() {
    // Through a real SMTP server.
    let sink = SmtpSink::start();
    let app = app_mailing_to(&sink).await;
    app.process("budget", Allow::ALL).await;
    let mut lea = sign_up(&app, "lea").await;

    let home = lea.get("/").await;
    home.assert_contains("Confirm your e-mail address")
        .assert_contains("lea@example.org")
        .assert_contains("action=\"/email/resend\"");
    let refused = lea
        .post(
            "/processes/budget/proposals",
            &[
                ("title", "Benches by the river"),
                ("body", "Ten benches along the river bank, please."),
            ],
        )
        .await;
    assert_refused(&refused, 403, "Confirm your e-mail address first");

    drain(&app).await;
    let mails = sink.wait_for(1, std::time::Duration::from_secs(5));
    assert_eq!(mails.len(), 1, "one confirmation mail");
    let mail = &mails[0];
    assert_eq!(mail.to, "lea@example.org");
    assert!(mail.subject.contains("confirm"), "{}", mail.subject);
    // An account mail: nobody can unsubscribe from securing their account.
    assert!(mail.list_unsubscribe.is_none() && mail.list_unsubscribe_post.is_none());
    // Only a digest of the link's token is stored.
    let path = link(mail, "/email/confirm");
    let token = path.split("token=").nth(1).expect("token").to_string();
    let stored: Vec<String> = app
        .db(|c| Ok(account_tokens::table.select(account_tokens::token_hash).load(c)?))
        .await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&token) && stored[0].len() == 64);
    // Nor does the sent mail's row keep the link.
    let bodies: Vec<(String, String)> = app
        .db(|c| {
            Ok(mails::table
                .select((mails::text_body, mails::html_body))
                .load(c)?)
        })
        .await;
    assert_eq!(bodies.len(), 1);
    assert!(bodies
        .iter()
        .all(|(text, html)| !text.contains("token=") && !html.contains("token=")));

    let followed = lea.get(&path).await;
    followed.assert_status(303);
    assert!(followed.location().contains("notice=email-confirmed"));
    assert!(account(&app, "lea@example.org").await.email_confirmed());
    let home = lea.get("/").await;
    assert!(
        !home.body.contains("action=\"/email/resend\""),
        "no banner once confirmed"
    );
    lea.propose(
        "budget",
        "Benches by the river",
        "Ten benches along the river bank, please.",
    )
    .await;
}

#[tokio::test]
async fn a_confirmation_link_works_once_and_neither_expired_nor_forged() {
    let town = MailTown::new(true).await;
    let mut lea = town.sign_up("lea").await;
    let first = link(&town.mails_to("lea@example.org").await[0], "/email/confirm");

    assert_refused(
        &lea.get("/email/confirm?token=forged-token-AAAA").await,
        400,
        "We do not know this link",
    );
    assert_refused(&lea.get("/email/confirm").await, 400, "We do not know this link");
    // A token cut by one character is as unknown as a forged one.
    assert_refused(
        &lea.get(&first[..first.len() - 1]).await,
        400,
        "We do not know this link",
    );

    town.expire_links().await;
    assert_refused(&lea.get(&first).await, 410, "This link has expired");
    assert!(!town.account("lea@example.org").await.email_confirmed());

    // A new link (asked from the banner) works, once.
    lea.post("/email/resend", &[("next", "/")])
        .await
        .assert_status(303);
    let mails = town.mails_to("lea@example.org").await;
    assert_eq!(mails.len(), 2);
    let second = link(&mails[1], "/email/confirm");
    assert_ne!(first, second);
    lea.get(&second).await.assert_status(303);
    assert_refused(&lea.get(&second).await, 410, "This link was already used");
    assert!(town.account("lea@example.org").await.email_confirmed());
}

#[tokio::test]
async fn one_account_s_link_confirms_that_account_only_and_a_link_works_for_its_own_purpose_only() {
    let town = MailTown::new(true).await;
    town.sign_up("lea").await;
    let mut tom = town.sign_up("tom").await;
    let leas = link(&town.mails_to("lea@example.org").await[0], "/email/confirm");

    // Tom, signed in, follows Lea's link: it confirms Lea's address, not his.
    tom.get(&leas).await.assert_status(303);
    assert!(town.account("lea@example.org").await.email_confirmed());
    assert!(!town.account("tom@example.org").await.email_confirmed());

    // Tom's confirmation token does not reset a password nor change an address.
    let toms = link(&town.mails_to("tom@example.org").await[0], "/email/confirm");
    let token = toms.split("token=").nth(1).expect("token");
    assert_refused(
        &tom.get(&format!("/password/reset?token={token}")).await,
        400,
        "We do not know this link",
    );
    assert_refused(
        &tom.get(&format!("/email/change?token={token}")).await,
        400,
        "We do not know this link",
    );
    // …and is still good for what it is.
    tom.get(&toms).await.assert_status(303);
    assert!(town.account("tom@example.org").await.email_confirmed());
}

#[tokio::test]
async fn asking_for_the_link_again_is_throttled_and_mails_nothing_once_confirmed() {
    let town = MailTown::new(true).await;
    let mut lea = town.sign_up("lea").await;
    for _ in 0..3 {
        let sent = lea.post("/email/resend", &[("next", "/account")]).await;
        sent.assert_status(303);
        assert!(sent.location().starts_with("/account?notice=confirmation-sent"));
    }
    lea.post("/email/resend", &[("next", "/")])
        .await
        .assert_status(429);
    assert_eq!(
        town.mails_to("lea@example.org").await.len(),
        4,
        "sign-up, then three asked"
    );
    // Signed out, nobody can ask.
    let mut stranger = town.app.browser();
    stranger.get("/").await;
    let anonymous = stranger.post("/email/resend", &[]).await;
    assert!(anonymous.status.is_redirection() || anonymous.status.as_u16() == 401);

    let mut tom = town.sign_up("tom").await;
    let toms = link(&town.mails_to("tom@example.org").await[0], "/email/confirm");
    tom.get(&toms).await.assert_status(303);
    tom.post("/email/resend", &[]).await.assert_status(303);
    assert_eq!(
        town.mails_to("tom@example.org").await.len(),
        1,
        "a confirmed address gets no new link"
    );
}

#[tokio::test]
async fn with_the_setting_off_an_unconfirmed_account_takes_part_but_gets_no_notification_mail() {
    let town = MailTown::new(false).await;
    town.app.process("budget", Allow::ALL).await;
    let mut lea = town.sign_up("lea").await;
    lea.get("/").await.assert_contains("we send you no e-mail");
    let (mut marie, _) = town.app.citizen("marie").await;
    let (mut paul, _) = town.app.citizen("paul").await;
    for b in [&mut lea, &mut marie] {
        b.post("/account/email-frequency", &[("email_frequency", "immediate")])
            .await
            .assert_status(303);
    }
    let leas = lea
        .propose(
            "budget",
            "Benches by the river",
            "Ten benches along the river bank, please.",
        )
        .await;
    let maries = marie
        .propose(
            "budget",
            "Trees in the square",
            "Plant twenty trees in the main square.",
        )
        .await;
    for proposal in [&leas, &maries] {
        paul.post(
            &format!("{proposal}/comments"),
            &[("body", "I agree, and I would add a fountain.")],
        )
        .await
        .assert_status(303);
    }
    let to_marie = town.mails_to("marie@example.org").await;
    assert_eq!(
        to_marie.len(),
        1,
        "marie's address is confirmed: her notification is mailed"
    );
    let to_lea = town.mails_to("lea@example.org").await;
    assert_eq!(
        to_lea.len(),
        1,
        "only the confirmation, no notification: {:?}",
        to_lea.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    // Confirming later sends no backlog; the notification stays in the list.
    lea.get(&link(&to_lea[0], "/email/confirm"))
        .await
        .assert_status(303);
    assert_eq!(town.mails_to("lea@example.org").await.len(), 1);
    lea.get("/notifications")
        .await
        .assert_contains("Benches by the river");
}

#[tokio::test]
async fn changing_the_address_needs_the_password_and_happens_when_the_new_address_confirms() {
    let town = MailTown::new(true).await;
    let (mut marie, _) = town.app.citizen("marie").await;
    town.app.citizen("paul").await;
    let change =
        |email: &'static str, password: &'static str| [("new_email", email), ("current_password", password)];

    let wrong = marie
        .post("/account/email", &change("marie@new.example", "not my password"))
        .await;
    wrong.assert_status(422).assert_contains("current_password-error");
    let taken = marie
        .post("/account/email", &change("paul@example.org", PASSWORD))
        .await;
    taken
        .assert_status(422)
        .assert_contains("An account already uses this e-mail address");
    let injected = marie
        .post(
            "/account/email",
            &change("marie@new.example\r\nBcc: evil@example.org", PASSWORD),
        )
        .await;
    injected.assert_status(422).assert_contains("new_email-error");
    assert!(town.mails_to("marie@new.example").await.is_empty());

    let asked = marie
        .post("/account/email", &change("Marie@New.example", PASSWORD))
        .await;
    asked.assert_status(303);
    assert!(asked.location().contains("notice=email-change-sent"));
    // Nothing changed yet.
    assert_eq!(town.account("marie@example.org").await.username, "marie");
    let to_new = town.mails_to("marie@new.example").await;
    assert_eq!(to_new.len(), 1);
    assert!(to_new[0].list_unsubscribe.is_none());
    let notice = town.mails_to("marie@example.org").await;
    assert_eq!(notice.len(), 1, "the old address is told");
    assert!(notice[0].text.contains("marie@new.example") && notice[0].text.contains("/password/forgot"));

    let path = link(&to_new[0], "/email/change");
    marie.get(&path).await.assert_status(303);
    let moved = town.account("marie@new.example").await;
    assert_eq!(moved.username, "marie");
    assert!(moved.email_confirmed());
    assert_refused(&marie.get(&path).await, 410, "This link was already used");
    // Signing in goes with the new address only.
    let mut again = town.app.browser();
    again.login("marie@new.example").await;
    let mut old = town.app.browser();
    old.post(
        "/login",
        &[("email", "marie@example.org"), ("password", PASSWORD)],
    )
    .await
    .assert_status(401);
}

#[tokio::test]
async fn an_address_taken_after_the_change_was_asked_is_refused_when_the_link_is_followed() {
    let town = MailTown::new(true).await;
    let (mut marie, _) = town.app.citizen("marie").await;
    marie
        .post(
            "/account/email",
            &[
                ("new_email", "shared@example.org"),
                ("current_password", PASSWORD),
            ],
        )
        .await
        .assert_status(303);
    let path = link(&town.mails_to("shared@example.org").await[0], "/email/change");
    // Someone signs up with that address meanwhile.
    let mut b = town.app.browser();
    b.get("/signup").await;
    b.post(
        "/signup",
        &[
            ("email", "shared@example.org"),
            ("username", "other"),
            ("display_name", "Other"),
            ("password", PASSWORD),
        ],
    )
    .await
    .assert_status(303);
    marie.get(&path).await.assert_status(409);
    assert_eq!(town.account("marie@example.org").await.username, "marie");
    assert_eq!(town.account("shared@example.org").await.username, "other");
    // The expired case, for the change link: a new request, then its time passes.
    marie
        .post(
            "/account/email",
            &[("new_email", "later@example.org"), ("current_password", PASSWORD)],
        )
        .await
        .assert_status(303);
    let later = link(&town.mails_to("later@example.org").await[0], "/email/change");
    town.expire_links().await;
    assert_refused(&marie.get(&later).await, 410, "This link has expired");
    assert_eq!(town.account("marie@example.org").await.username, "marie");
}

#[tokio::test]
async fn a_name_with_line_breaks_is_refused_at_sign_up_and_adds_no_header_to_an_account_mail() {
    let sink = SmtpSink::start();
    let app = app_mailing_to(&sink).await;
    let mut b = app.browser();
    b.get("/signup").await;
    b.post(
        "/signup",
        &[
            ("email", "lea@example.org"),
            ("username", "lea"),
            ("display_name", "Lea\r\nBcc: evil@example.org"),
            ("password", PASSWORD),
        ],
    )
    .await
    .assert_status(422);
    // An older account whose name holds one (written before the check) asks for a reset.
    app.user("ana", plenum::domain::accounts::Role::Citizen).await;
    app.state
        .db
        .write(|c| {
            diesel::update(users::table.filter(users::username.eq("ana")))
                .set(users::display_name.eq("Ana\r\nBcc: evil@example.org\r\nSubject: owned"))
                .execute(c)?;
            Ok::<_, plenum::domain::Error>(())
        })
        .await
        .expect("name");
    let mut visitor = app.browser();
    visitor.get("/password/forgot").await;
    visitor
        .post("/password/forgot", &[("email", "ana@example.org")])
        .await
        .assert_status(200);
    drain(&app).await;
    let mails = sink.wait_for(1, std::time::Duration::from_secs(5));
    assert_eq!(mails.len(), 1);
    assert!(!mails[0]
        .header_names
        .iter()
        .any(|h| h.eq_ignore_ascii_case("bcc")));
    assert_eq!(
        mails[0]
            .header_names
            .iter()
            .filter(|h| h.eq_ignore_ascii_case("subject"))
            .count(),
        1
    );
    assert!(!mails[0].rcpt_to.contains("evil"), "{}", mails[0].rcpt_to);
}
