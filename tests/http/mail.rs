//! E-mail against a real SMTP server (aiosmtpd, `mail_sink.rs`): notification mails once each,
//! digests by a controlled clock, retries when the server is down, refuses (4xx) or hangs,
//! permanent failures shown to staff, header injection, one-click unsubscribe.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use diesel::prelude::*;

use plenum::config::MailTransport;
use plenum::db::schema::{mails, notifications, users};
use plenum::domain::now;
use plenum::domain::processes::PhaseForm;
use plenum::mail::{self, Mail};

use crate::common::Allow;
use crate::mail_sink::SmtpSink;
use crate::town::TestTown;

/// marie, the author of proposal `id`, replies to its one comment (its author is told).
async fn marie_replies_to_the_comment(town: &TestTown, id: &str) {
    let comment_id: String = {
        let id = id.to_string();
        town.db(move |c| {
            Ok(plenum::db::schema::comments::table
                .filter(plenum::db::schema::comments::proposal_id.eq(id))
                .select(plenum::db::schema::comments::id)
                .first(c)?)
        })
        .await
    };
    town.browser_of("marie")
        .post(
            &format!("/proposals/{id}/comments"),
            &[("body", "Thank you, noted."), ("parent_id", &comment_id)],
        )
        .await
        .assert_status(303);
}

/// A town whose mail goes to `sink`, answering within a second: marie wrote a proposal in
/// `budget`, paul is a citizen, agent staff.
async fn town_mailing_to(sink: &SmtpSink) -> TestTown {
    let url = sink.url();
    TestTown::new()
        .with_config(move |c| {
            c.mail.transport = MailTransport::Smtp(url);
            c.mail.timeout = Duration::from_secs(1);
        })
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("paul")
        .with_staff("agent")
        .with_proposal("budget", "marie", "More benches")
        .await
}

/// Sets how often `who` wants mail, through the account page's form.
async fn wants(town: &TestTown, who: &str, frequency: &str) {
    town.browser_of(who)
        .post("/account/email-frequency", &[("email_frequency", frequency)])
        .await
        .assert_status(303);
}

/// Sets the language `who` reads (mail comes in it; without one, in the town's, French).
async fn reads(town: &TestTown, who: &str, lang: &str) {
    town.browser_of(who)
        .post("/account/locale", &[("locale", lang)])
        .await
        .assert_status(303);
}

/// Runs the worker's passes until nothing is left to try now.
async fn drain(town: &TestTown) -> usize {
    let mut tried = 0;
    for _ in 0..20 {
        let n = mail::run_once(&town.state).await.expect("mail worker");
        if n == 0 {
            break;
        }
        tried += n;
    }
    tried
}

/// The queue's rows as (state, attempts, last error).
async fn queue_states(town: &TestTown) -> Vec<(String, i32, Option<String>)> {
    town.db(|c| {
        Ok(mails::table
            .order(mails::created_at.asc())
            .select((mails::state, mails::attempts, mails::last_error))
            .load(c)?)
    })
    .await
}

/// Runs a change on the town's database (fixtures the app offers no form for).
async fn change<T: Send + 'static>(
    town: &TestTown,
    f: impl FnOnce(&mut plenum::db::AnyConnection) -> plenum::domain::Result<T> + Send + 'static,
) -> T {
    town.state.db.write(f).await.expect("database write")
}

/// Makes the due time of every waiting mail now (the backoff has passed).
async fn retry_due_now(town: &TestTown) {
    change(town, |c| {
        diesel::update(mails::table)
            .set(mails::next_attempt_at.eq(now() - chrono::Duration::seconds(1)))
            .execute(c)?;
        Ok(())
    })
    .await
}

fn one_mail(to: &str, key: &str, subject: &str) -> Mail {
    Mail {
        to: to.into(),
        to_name: Some("Ana".into()),
        user_id: None,
        locale: "en".into(),
        kind: "test".into(),
        subject: subject.into(),
        text: "Hello".into(),
        html: "<p>Hello</p>".into(),
        list_unsubscribe: None,
        dedupe_key: key.into(),
    }
}

async fn queue_one(town: &TestTown, mail: Mail) -> plenum::domain::Result<bool> {
    town.state.db.write(move |c| mail::queue(c, &mail)).await
}

#[tokio::test]
async fn each_notification_is_mailed_once_to_people_who_want_them_at_once() {
    let sink = SmtpSink::start();
    let town = town_mailing_to(&sink).await;
    for who in ["marie", "paul", "agent"] {
        wants(&town, who, "immediate").await;
        reads(&town, who, "en").await;
    }
    let id = town.proposal("More benches");
    let mut paul = town.browser_of("paul");
    paul.post("/processes/budget/subscription", &[])
        .await
        .assert_status(303);
    // comment (to marie), answer (to marie), report (to agent), then a reply (to paul).
    paul.comment(&id, "Yes, near the school.").await;
    town.browser_of("agent")
        .post(
            &format!("/admin/proposals/{id}/answer"),
            &[("state", "accepted"), ("answer", "Accepted: in the spring.")],
        )
        .await
        .assert_status(303);
    marie_replies_to_the_comment(&town, &id).await;
    // A phase set by staff, then phase dates reached by the clock: paul follows the process.
    let staff = plenum::app::Staff::check(town.account("agent")).expect("staff");
    let process_id = town.detail("budget").process.id.clone();
    // After the process's first phase (open for a week), which it may not overlap.
    let start = now() + chrono::Duration::days(7);
    let end = start + chrono::Duration::hours(3);
    let vote = PhaseForm {
        kind: "vote".into(),
        starts_at: start,
        ends_at: end,
        proposals_enabled: false,
        endorsements_enabled: false,
        comments_enabled: true,
    };
    plenum::app::processes::save_phase(&town.state, &staff, process_id, None, vote)
        .await
        .expect("vote phase added");
    let clock = |at: chrono::NaiveDateTime| Utc.from_utc_datetime(&at);
    for at in [
        now(),
        start + chrono::Duration::minutes(1),
        end + chrono::Duration::minutes(1),
    ] {
        mail::worker::phase_dates(&town.state, clock(at))
            .await
            .expect("phase pass");
    }
    // Passed again, on any node: nobody hears twice.
    mail::worker::phase_dates(&town.state, clock(end + chrono::Duration::minutes(2)))
        .await
        .expect("phase pass");
    // Mailed before hiding, which takes what others were told of the proposal off their lists.
    drain(&town).await;
    paul.post(&format!("/report/proposal/{id}"), &[("reason", "spam")])
        .await
        .assert_status(303);
    town.browser_of("agent")
        .post(&format!("/admin/moderation/proposal/{id}/hide"), &[])
        .await
        .assert_status(303);
    drain(&town).await;
    drain(&town).await;
    let got = sink.messages();
    let to = |who: &str| {
        got.iter()
            .filter(|m| m.rcpt_to == format!("{who}@example.org"))
            .map(|m| m.subject.clone())
            .collect::<Vec<_>>()
    };
    let marie = to("marie");
    let paul_got = to("paul");
    let agent = to("agent");
    let has = |list: &[String], text: &str| list.iter().filter(|s| s.contains(text)).count();
    assert_eq!(has(&marie, "New comment on “More benches”"), 1, "{marie:?}");
    assert_eq!(has(&marie, "The town answered “More benches”"), 1, "{marie:?}");
    assert_eq!(has(&marie, "was hidden by moderation"), 1, "{marie:?}");
    assert_eq!(
        has(&paul_got, "Someone replied to your comment"),
        1,
        "{paul_got:?}"
    );
    assert_eq!(
        has(&paul_got, "phase, from"),
        1,
        "a phase set by staff: {paul_got:?}"
    );
    assert_eq!(has(&paul_got, "the vote is open"), 1, "{paul_got:?}");
    assert_eq!(has(&paul_got, "the vote is closed"), 1, "{paul_got:?}");
    assert_eq!(has(&agent, "A report awaits moderation"), 1, "{agent:?}");
    // One mail per notification, and every notification mailed.
    let (queued, unmailed): (i64, i64) = town
        .db(|c| {
            let queued = mails::table
                .filter(mails::kind.eq("notification"))
                .count()
                .get_result(c)?;
            let left = notifications::table
                .filter(notifications::mailed_at.is_null())
                .count()
                .get_result(c)?;
            Ok((queued, left))
        })
        .await;
    assert_eq!(unmailed, 0);
    assert_eq!(
        got.len() as i64,
        queued,
        "{:?}",
        got.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    let mut ids: Vec<&String> = got.iter().map(|m| &m.message_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), got.len(), "each Message-ID once");
    // Every one: text and HTML, a link back, the unsubscribe link and RFC 8058's header.
    for m in &got {
        assert!(m.text.contains("http://127.0.0.1:8080/"), "{}", m.text);
        assert!(m.html.contains("<a href=\"http://127.0.0.1:8080"), "{}", m.html);
        let unsubscribe = m.list_unsubscribe.as_deref().expect("List-Unsubscribe");
        assert!(
            unsubscribe.starts_with("<http://127.0.0.1:8080/unsubscribe/"),
            "{unsubscribe}"
        );
        assert_eq!(
            m.list_unsubscribe_post.as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
    }
    assert!(queue_states(&town).await.iter().all(|(s, _, _)| s == "sent"));
}

#[tokio::test]
async fn notifications_of_people_who_want_no_mail_are_set_aside_and_the_others_still_mailed() {
    let sink = SmtpSink::start();
    let town = town_mailing_to(&sink).await;
    wants(&town, "marie", "none").await;
    wants(&town, "paul", "immediate").await;
    reads(&town, "paul", "en").await;
    let id = town.proposal("More benches");
    // paul comments on marie's proposal (marie is told), marie replies (paul is told).
    town.browser_of("paul")
        .comment(&id, "Yes, near the school.")
        .await;
    marie_replies_to_the_comment(&town, &id).await;
    drain(&town).await;
    let unmailed_of = |who: &'static str| {
        let user_id = town.account(who).id.clone();
        town.db(move |c| {
            Ok(notifications::table
                .filter(notifications::user_id.eq(user_id))
                .filter(notifications::mailed_at.is_null())
                .count()
                .get_result::<i64>(c)?)
        })
    };
    assert_eq!(unmailed_of("marie").await, 0, "marie's notification set aside");
    assert_eq!(unmailed_of("paul").await, 0, "paul's notification mailed");
    let got = sink.messages();
    assert!(
        got.iter().all(|m| m.rcpt_to != "marie@example.org"),
        "no mail to marie"
    );
    assert_eq!(
        got.iter()
            .filter(|m| m.rcpt_to == "paul@example.org" && m.subject.contains("Someone replied"))
            .count(),
        1,
        "{:?}",
        got.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_new_proposal_in_a_followed_process_is_told_in_the_digest_only() {
    let sink = SmtpSink::start();
    let town = town_mailing_to(&sink).await;
    wants(&town, "paul", "immediate").await;
    reads(&town, "paul", "en").await;
    town.browser_of("paul")
        .post("/processes/budget/subscription", &[])
        .await
        .assert_status(303);
    town.browser_of("marie")
        .propose(
            "budget",
            "A fountain",
            "A fountain on the square, for the summer.",
        )
        .await;
    drain(&town).await;
    assert!(sink.messages().is_empty(), "not mailed at once");
    let at = Utc::now() + chrono::Duration::days(1);
    let queued = mail::worker::digests(&town.state, at, 0).await.expect("digests");
    assert_eq!(queued, 1);
    drain(&town).await;
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    assert!(
        got[0]
            .text
            .contains("New proposal in a process you follow: “A fountain”"),
        "{}",
        got[0].text
    );
}

/// The instant of `local` (like `2026-12-09T08:00`) on the town's clock (Europe/Paris).
fn paris(local: &str) -> chrono::DateTime<Utc> {
    mail::notify::town_time(local, plenum::i18n::DEFAULT_ZONE).expect("a time")
}

#[tokio::test]
async fn a_daily_digest_tells_what_is_new_since_the_last_one_once_and_nothing_when_nothing_is_new() {
    let sink = SmtpSink::start();
    let town = town_mailing_to(&sink).await;
    let id = town.proposal("More benches");
    // marie keeps the default: daily.
    reads(&town, "marie", "en").await;
    let mut paul = town.browser_of("paul");
    paul.comment(&id, "First comment here.").await;
    paul.comment(&id, "Second comment here.").await;
    drain(&town).await;
    assert!(sink.messages().is_empty(), "daily people get nothing at once");
    // Comments are stamped now; the clock runs from tomorrow.
    let day1 = (Utc::now() + chrono::Duration::days(1)).with_timezone(&plenum::i18n::DEFAULT_ZONE);
    let day = |d: i64, time: &str| {
        paris(&format!(
            "{}T{time}",
            (day1.date_naive() + chrono::Days::new(d as u64)).format("%Y-%m-%d")
        ))
    };
    // Before the hour: nothing.
    assert_eq!(
        mail::worker::digests(&town.state, day(0, "07:59"), 8)
            .await
            .expect("pass"),
        0
    );
    assert_eq!(
        mail::worker::digests(&town.state, day(0, "08:00"), 8)
            .await
            .expect("pass"),
        1
    );
    assert_eq!(
        mail::worker::digests(&town.state, day(0, "08:01"), 8)
            .await
            .expect("pass"),
        0,
        "once a day"
    );
    drain(&town).await;
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt_to, "marie@example.org");
    assert_eq!(got[0].subject, "Plenum: 2 new notifications today");
    assert_eq!(
        got[0].text.matches("New comment on “More benches”").count(),
        2,
        "{}",
        got[0].text
    );
    assert!(got[0].list_unsubscribe.is_some());
    // The next day, nothing new: no mail.
    assert_eq!(
        mail::worker::digests(&town.state, day(1, "09:00"), 8)
            .await
            .expect("pass"),
        0
    );
    // Something new: the day after, only that.
    paul.comment(&id, "Third comment here.").await;
    assert_eq!(
        mail::worker::digests(&town.state, day(2, "08:30"), 8)
            .await
            .expect("pass"),
        1
    );
    drain(&town).await;
    let got = sink.messages();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].subject, "Plenum: 1 new notification today");
    assert_eq!(got[1].text.matches("New comment").count(), 1);
}

#[tokio::test]
async fn a_weekly_digest_goes_on_mondays_and_digests_are_written_in_the_readers_language() {
    let sink = SmtpSink::start();
    let town = town_mailing_to(&sink).await;
    let id = town.proposal("More benches");
    // marie reads French, weekly; paul English, daily; both follow the proposal.
    reads(&town, "marie", "fr").await;
    reads(&town, "paul", "en").await;
    wants(&town, "marie", "weekly").await;
    town.browser_of("paul")
        .post(&format!("/proposals/{id}/subscription"), &[])
        .await
        .assert_status(303);
    town.browser_of("agent")
        .post(
            &format!("/admin/proposals/{id}/answer"),
            &[("state", "accepted"), ("answer", "Accepted: in the spring.")],
        )
        .await
        .assert_status(303);
    // The next Monday and the Sunday before it, 09:00 in Paris.
    let today = Utc::now().with_timezone(&plenum::i18n::DEFAULT_ZONE).date_naive();
    // From the day after tomorrow, so that the Sunday before it is in the future too.
    let mut monday = today + chrono::Days::new(2);
    while chrono::Datelike::weekday(&monday) != chrono::Weekday::Mon {
        monday = monday + chrono::Days::new(1);
    }
    let sunday = monday - chrono::Days::new(1);
    let at = |d: chrono::NaiveDate| paris(&format!("{}T09:00", d.format("%Y-%m-%d")));
    let queued = mail::worker::digests(&town.state, at(sunday), 8)
        .await
        .expect("pass");
    assert_eq!(queued, 1, "paul's daily one; marie waits for Monday");
    assert_eq!(
        mail::worker::digests(&town.state, at(monday), 8)
            .await
            .expect("pass"),
        1
    );
    drain(&town).await;
    let got = sink.messages();
    let marie = got
        .iter()
        .find(|m| m.rcpt_to == "marie@example.org")
        .expect("marie's digest");
    let paul = got
        .iter()
        .find(|m| m.rcpt_to == "paul@example.org")
        .expect("paul's digest");
    assert_eq!(marie.subject, "Plenum : 1 nouvelle notification cette semaine");
    assert!(
        marie.text.contains("La commune a répondu") || marie.text.contains("« More benches »"),
        "{}",
        marie.text
    );
    assert!(marie.html.contains("lang=\"fr\""));
    assert!(marie.text.contains("Se désabonner"));
    assert_eq!(paul.subject, "Plenum: 1 new notification today");
    assert!(
        paul.text.contains("The town answered “More benches”"),
        "{}",
        paul.text
    );
    assert!(paul.html.contains("lang=\"en\""));
    assert!(paul.text.contains("Unsubscribe"));
}

#[tokio::test]
async fn a_server_down_then_up_gets_the_mail_once_after_a_retry() {
    let mut sink = SmtpSink::stopped();
    let town = town_mailing_to(&sink).await;
    assert!(queue_one(&town, one_mail("ana@example.org", "t:1", "Hello"))
        .await
        .expect("queued"));
    drain(&town).await;
    let states = queue_states(&town).await;
    assert_eq!(states[0].0, "pending", "retried later: {states:?}");
    assert_eq!(states[0].1, 1);
    assert!(states[0].2.is_some(), "the error is kept");
    sink.up();
    retry_due_now(&town).await;
    drain(&town).await;
    drain(&town).await;
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(queue_states(&town).await[0].0, "sent");
}

#[tokio::test]
async fn a_4xx_answer_is_retried_and_a_5xx_fails_visibly_to_staff_who_may_send_it_again() {
    let sink = SmtpSink::start();
    let town = town_mailing_to(&sink).await;
    sink.set_mode("4xx");
    queue_one(&town, one_mail("ana@example.org", "t:4xx", "Four"))
        .await
        .expect("queued");
    drain(&town).await;
    let states = queue_states(&town).await;
    assert_eq!(states[0].0, "pending", "{states:?}");
    assert!(
        states[0].2.as_deref().unwrap_or_default().contains("451"),
        "{states:?}"
    );
    sink.set_mode("5xx");
    retry_due_now(&town).await;
    drain(&town).await;
    let states = queue_states(&town).await;
    assert_eq!(states[0].0, "failed", "{states:?}");
    assert!(
        states[0].2.as_deref().unwrap_or_default().contains("550"),
        "{states:?}"
    );
    // Staff see it with the server's answer; citizens may not look.
    town.browser_of("paul")
        .get("/admin/mail")
        .await
        .assert_status(403);
    let mut agent = town.browser_of("agent");
    let page = agent.get("/admin/mail").await;
    page.assert_status(200)
        .assert_contains("550")
        .assert_contains("Four");
    let mail_id: String = town.db(|c| Ok(mails::table.select(mails::id).first(c)?)).await;
    // A citizen cannot retry it; a mail that is not failed cannot be retried.
    town.browser_of("paul")
        .post(&format!("/admin/mail/{mail_id}/retry"), &[])
        .await
        .assert_status(403);
    sink.set_mode("ok");
    agent
        .post(&format!("/admin/mail/{mail_id}/retry"), &[])
        .await
        .assert_status(303);
    drain(&town).await;
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(queue_states(&town).await[0].0, "sent");
    agent
        .post(&format!("/admin/mail/{mail_id}/retry"), &[])
        .await
        .assert_status(404);
    drain(&town).await;
    assert_eq!(sink.messages().len(), 1, "a sent mail is not sent again");
    agent.get("/admin/mail").await.assert_contains("No failed mail.");
}

#[tokio::test]
async fn a_server_that_hangs_times_out_and_the_mail_is_retried() {
    let sink = SmtpSink::start();
    let town = town_mailing_to(&sink).await;
    sink.set_mode("hang");
    queue_one(&town, one_mail("ana@example.org", "t:hang", "Hang"))
        .await
        .expect("queued");
    let started = std::time::Instant::now();
    drain(&town).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "bounded by the timeout"
    );
    let states = queue_states(&town).await;
    assert_eq!(states[0].0, "pending", "{states:?}");
    assert!(
        states[0].2.as_deref().unwrap_or_default().contains("timed out"),
        "{states:?}"
    );
    sink.set_mode("ok");
    retry_due_now(&town).await;
    drain(&town).await;
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn header_injection_through_a_title_or_a_name_adds_no_header_or_recipient() {
    let sink = SmtpSink::start();
    let town = town_mailing_to(&sink).await;
    wants(&town, "marie", "immediate").await;
    // marie's display name, and a proposal title, with line breaks and headers in them.
    let marie_id = town.account("marie").id.clone();
    change(&town, move |c| {
        diesel::update(users::table.filter(users::id.eq(marie_id)))
            .set(users::display_name.eq("Marie\r\nBcc: evil@example.net"))
            .execute(c)?;
        Ok(())
    })
    .await;
    let id = town.proposal("More benches");
    change(&town, move |c| {
        diesel::update(plenum::db::schema::proposals::table.filter(plenum::db::schema::proposals::id.eq(id)))
            .set(
                plenum::db::schema::proposals::title
                    .eq("Benches\r\nBcc: evil@example.net\r\n\r\nInjected body"),
            )
            .execute(c)?;
        Ok(())
    })
    .await;
    let id = town.proposal("More benches");
    town.browser_of("paul")
        .comment(&id, "A comment to be told of.")
        .await;
    queue_one(
        &town,
        one_mail("ana@example.org", "t:inj", "Hi\r\nBcc: evil@example.net"),
    )
    .await
    .expect("queued");
    drain(&town).await;
    let got = sink.messages();
    assert_eq!(got.len(), 2);
    for m in &got {
        assert!(!m.rcpt_to.contains("evil"), "{}", m.rcpt_to);
        assert!(
            !m.header_names.iter().any(|h| h.eq_ignore_ascii_case("bcc")),
            "{:?}",
            m.header_names
        );
        assert!(!m.subject.contains('\n') && !m.subject.contains('\r'));
    }
    assert!(got
        .iter()
        .any(|m| m.subject.contains("Benches Bcc: evil@example.net Injected body")));
    // An address with a line break is refused when queued, with the field's message.
    let refused = queue_one(
        &town,
        one_mail("ana@example.org\r\nBcc: evil@example.net", "t:bad", "x"),
    )
    .await;
    assert!(
        matches!(refused, Err(plenum::domain::Error::Invalid(ref e)) if e[0].msg.key == "error-mail-address")
    );
    for bad in ["not-an-address", "ana@", "a b@example.org"] {
        assert!(queue_one(&town, one_mail(bad, bad, "x")).await.is_err(), "{bad}");
    }
}

#[tokio::test]
async fn a_mail_with_the_same_key_is_queued_once() {
    let sink = SmtpSink::start();
    let town = town_mailing_to(&sink).await;
    assert!(queue_one(&town, one_mail("ana@example.org", "same", "One"))
        .await
        .expect("queued"));
    assert!(!queue_one(&town, one_mail("ana@example.org", "same", "Two"))
        .await
        .expect("not queued"));
    drain(&town).await;
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].subject, "One");
}

#[tokio::test]
async fn one_click_unsubscribe_works_without_cookie_or_sign_in_and_forged_links_are_refused() {
    let sink = SmtpSink::start();
    let town = town_mailing_to(&sink).await;
    wants(&town, "marie", "immediate").await;
    let id = town.proposal("More benches");
    town.browser_of("paul")
        .comment(&id, "A comment to be told of.")
        .await;
    drain(&town).await;
    let got = sink.messages();
    let header = got[0].list_unsubscribe.clone().expect("List-Unsubscribe");
    let url = header.trim_start_matches('<').trim_end_matches('>');
    let path = url.trim_start_matches("http://127.0.0.1:8080").to_string();
    assert!(got[0].text.contains(url), "the link is in the text too");
    // GET: a page that asks, and changes nothing.
    let mut stranger = town.browser();
    stranger
        .get(&path)
        .await
        .assert_status(200)
        .assert_contains("Do you want to stop receiving e-mail");
    assert_eq!(frequency_of(&town, "marie").await, "immediate");
    // A forged token (someone else's id under marie's signature) and a cut one: refused.
    let token = path.trim_start_matches("/unsubscribe/");
    let (_, signature) = token.split_once('.').expect("a signed token");
    use base64::Engine;
    let paul_payload =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}\nall", town.account("paul").id));
    for forged in [
        format!("/unsubscribe/{paul_payload}.{signature}"),
        format!("/unsubscribe/{}", &token[..token.len() - 3]),
        "/unsubscribe/nothing".to_string(),
    ] {
        let request = stranger
            .method(axum::http::Method::POST, &forged)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from("List-Unsubscribe=One-Click"))
            .expect("request");
        stranger
            .send(request)
            .await
            .assert_status(404)
            .assert_contains("This unsubscribe link is not valid");
    }
    // RFC 8058: a POST from a mail client: no cookie, no CSRF token, no session.
    let client = reqwest_like_post(&town, &path).await;
    assert_eq!(client, 200);
    assert_eq!(frequency_of(&town, "marie").await, "none");
    // Nothing more is mailed to her.
    town.browser_of("paul")
        .comment(&id, "Another comment here.")
        .await;
    drain(&town).await;
    assert_eq!(sink.messages().len(), 1);
}

/// How often `who` wants mail, as stored.
async fn frequency_of(town: &TestTown, who: &str) -> String {
    let id = town.account(who).id.clone();
    town.db(move |c| {
        Ok(users::table
            .filter(users::id.eq(id))
            .select(users::email_frequency)
            .first::<String>(c)?)
    })
    .await
}

/// A POST as a mail client sends it: a browser with no cookie at all, so no CSRF token.
async fn reqwest_like_post(town: &TestTown, path: &str) -> u16 {
    let mut client = town.browser();
    let request = client
        .method(axum::http::Method::POST, path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("List-Unsubscribe=One-Click"))
        .expect("request");
    client.send(request).await.status.as_u16()
}
