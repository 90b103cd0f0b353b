//! Notifications raised by the actions: who hears of what, once, and who does not.

use plenum::domain::notifications::{self, Notification};
use plenum::domain::{comments, proposals};

use crate::common::Allow;
use crate::town::TestTown;

/// What `user_id` has been notified of, newest first, as (kind, event key).
async fn notified(town: &TestTown, user_id: &str) -> Vec<Notification> {
    let user_id = user_id.to_string();
    town.db(move |c| notifications::latest(c, &user_id, 100)).await
}

fn kinds(list: &[Notification]) -> Vec<&str> {
    list.iter().map(|n| n.kind.as_str()).collect()
}

async fn answered_town() -> TestTown {
    TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("paul")
        .with_staff("agent")
        .with_proposal("budget", "marie", "More benches")
        .await
}

async fn answer(town: &TestTown, id: &str, state: &str, text: &str) {
    town.browser_of("agent")
        .post(
            &format!("/admin/proposals/{id}/answer"),
            &[("state", state), ("answer", text)],
        )
        .await
        .assert_status(303);
}

#[tokio::test]
async fn an_official_answer_notifies_the_author_once_per_answer() {
    let town = answered_town().await;
    let id = town.proposal("More benches");
    answer(&town, &id, "accepted", "Accepted: in the spring.").await;
    answer(&town, &id, "accepted", "Accepted: in the spring.").await;
    let marie = notified(&town, &town.account("marie").id).await;
    assert_eq!(kinds(&marie), ["answer"], "the same answer twice is one event");
    assert_eq!(marie[0].proposal_id.as_deref(), Some(id.as_str()));
    assert_eq!(marie[0].args().get("state").map(String::as_str), Some("accepted"));
    answer(&town, &id, "rejected", "Rejected after all: no room.").await;
    assert_eq!(
        kinds(&notified(&town, &town.account("marie").id).await),
        ["answer", "answer"]
    );
    // Staff answered: they are not told of their own action; paul follows nothing.
    assert!(notified(&town, &town.account("agent").id).await.is_empty());
    assert!(notified(&town, &town.account("paul").id).await.is_empty());
}

#[tokio::test]
async fn a_comment_notifies_the_followers_and_a_reply_the_comment_author_once() {
    let town = answered_town().await;
    let id = town.proposal("More benches");
    let mut paul = town.browser_of("paul");
    paul.comment(&id, "Yes, near the school.").await;
    let marie = notified(&town, &town.account("marie").id).await;
    assert_eq!(kinds(&marie), ["comment"]);
    assert!(
        notified(&town, &town.account("paul").id).await.is_empty(),
        "not of one's own comment"
    );
    let paul_comment = marie[0].comment_id.clone().expect("the comment is named");
    // marie replies to paul: paul hears of a reply; marie, who follows her proposal, of nothing.
    town.browser_of("marie")
        .post(
            &format!("/proposals/{id}/comments"),
            &[("body", "Good idea, thank you."), ("parent_id", &paul_comment)],
        )
        .await
        .assert_status(303);
    assert_eq!(kinds(&notified(&town, &town.account("paul").id).await), ["reply"]);
    assert_eq!(
        kinds(&notified(&town, &town.account("marie").id).await),
        ["comment"]
    );
    // The same comment raised again (an activity received twice) notifies no one again.
    let raised_again = town
        .state
        .db
        .write(move |c| {
            let comment = comments::find(c, &paul_comment)?;
            let proposal = proposals::find(c, &comment.proposal_id)?;
            notifications::events::commented(c, &proposal, &comment)
        })
        .await;
    assert!(raised_again.is_ok());
    assert_eq!(
        kinds(&notified(&town, &town.account("marie").id).await),
        ["comment"]
    );
}

#[tokio::test]
async fn a_report_notifies_staff_once_and_hiding_tells_the_author_why() {
    let town = answered_town().await;
    let id = town.proposal("More benches");
    for _ in 0..2 {
        town.browser_of("paul")
            .post(&format!("/report/proposal/{id}"), &[("reason", "spam")])
            .await
            .assert_status(303);
    }
    let agent = notified(&town, &town.account("agent").id).await;
    assert_eq!(kinds(&agent), ["report"]);
    assert!(notified(&town, &town.account("paul").id).await.is_empty());
    assert!(
        notified(&town, &town.account("marie").id).await.is_empty(),
        "authors are not told of reports"
    );
    town.browser_of("agent")
        .post(&format!("/admin/moderation/proposal/{id}/hide"), &[])
        .await
        .assert_status(303);
    let marie = notified(&town, &town.account("marie").id).await;
    assert_eq!(kinds(&marie), ["hidden"]);
    assert_eq!(marie[0].args().get("reasons").map(String::as_str), Some("spam"));
    town.browser_of("marie")
        .get("/notifications")
        .await
        .assert_contains("was hidden by moderation. Reason: Spam or advertising.");
    // Now hidden, the proposal is staff's only: an answer to it reaches no citizen.
    answer(&town, &id, "rejected", "Rejected: this is advertising.").await;
    assert_eq!(
        kinds(&notified(&town, &town.account("marie").id).await),
        ["hidden"]
    );
}

#[tokio::test]
async fn hiding_a_proposal_takes_what_followers_were_told_of_it_out_of_their_lists() {
    let town = answered_town().await;
    let id = town.proposal("More benches");
    let mut paul = town.browser_of("paul");
    paul.post(&format!("/proposals/{id}/subscription"), &[])
        .await
        .assert_status(303);
    answer(&town, &id, "evaluating", "We are looking into it.").await;
    paul.post(&format!("/report/proposal/{id}"), &[("reason", "spam")])
        .await
        .assert_status(303);
    assert_eq!(
        kinds(&notified(&town, &town.account("paul").id).await),
        ["answer"]
    );
    paul.get("/notifications").await.assert_contains("More benches");
    town.browser_of("agent")
        .post(&format!("/admin/moderation/proposal/{id}/hide"), &[])
        .await
        .assert_status(303);
    assert!(
        notified(&town, &town.account("paul").id).await.is_empty(),
        "a follower keeps no link to a proposal they may no longer see"
    );
    let paul_id = town.account("paul").id.clone();
    let unread = town.db(move |c| notifications::unread_count(c, &paul_id)).await;
    assert_eq!(unread, 0);
    let page = paul.get("/notifications").await;
    assert!(!page.body.contains("More benches"), "{}", page.body);
    // Its author keeps what she was told, and now why it was hidden; staff keep the report.
    assert_eq!(
        kinds(&notified(&town, &town.account("marie").id).await),
        ["hidden", "answer"]
    );
    assert_eq!(
        kinds(&notified(&town, &town.account("agent").id).await),
        ["report"]
    );
}

#[tokio::test]
async fn the_api_lists_notifications_and_marks_them_read() {
    use axum::http::Method;
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("ines")
        .with_citizen("paul")
        .with_proposal("budget", "ines", "Shade trees")
        .await;
    let id = town.proposal("Shade trees");
    town.browser_of("paul").comment(&id, "Plane trees, please.").await;
    let mut b = town.browser_of("ines");
    let listed = b.api(Method::GET, "/api/v1/notifications", None, None).await;
    listed.assert_status(200);
    let body = listed.json();
    assert_eq!(body["unread"], 1);
    assert_eq!(body["items"][0]["kind"], "comment");
    assert_eq!(body["items"][0]["proposal_id"], id.as_str());
    assert!(body["items"][0]["text"]
        .as_str()
        .is_some_and(|t| t.contains("Shade trees")));
    let one = body["items"][0]["id"].as_str().unwrap_or_default().to_string();
    b.api(
        Method::POST,
        &format!("/api/v1/notifications/{one}/read"),
        None,
        None,
    )
    .await
    .assert_status(204);
    let after = b.api(Method::GET, "/api/v1/notifications", None, None).await;
    assert_eq!(after.json()["unread"], 0);
    assert_eq!(after.json()["items"][0]["read"], true);
    // paul cannot mark ines's notification read: it is not found for him.
    let mut paul = town.browser_of("paul");
    paul.api(
        Method::POST,
        &format!("/api/v1/notifications/{one}/read"),
        None,
        None,
    )
    .await
    .assert_status(404);
    // Both are part of the person's data export.
    let export = b.api(Method::GET, "/api/v1/me/export", None, None).await.json();
    assert_eq!(export["notifications"][0]["id"], one.as_str());
    assert_eq!(export["following"][0]["id"], id.as_str());
    assert_eq!(export["account"]["email_frequency"], "daily");
    b.api(Method::POST, "/api/v1/notifications/read", None, None)
        .await
        .assert_status(204);
    town.browser()
        .api(Method::GET, "/api/v1/notifications", None, None)
        .await
        .assert_status(401);
}

#[tokio::test]
async fn a_phase_set_in_a_followed_process_is_told_once_to_its_followers() {
    use chrono::Duration;
    use plenum::domain::now;
    use plenum::domain::processes::PhaseForm;
    let town = answered_town().await;
    let slug = "budget";
    town.browser_of("paul")
        .post(&format!("/processes/{slug}/subscription"), &[])
        .await
        .assert_status(303);
    let staff = plenum::app::Staff::check(town.account("agent")).expect("staff");
    let process_id = town.detail(slug).process.id.clone();
    let form = PhaseForm {
        kind: "evaluation".into(),
        starts_at: now() + Duration::days(30),
        ends_at: now() + Duration::days(60),
        proposals_enabled: false,
        endorsements_enabled: true,
        comments_enabled: true,
    };
    plenum::app::processes::save_phase(&town.state, &staff, process_id.clone(), None, form.clone())
        .await
        .expect("phase added");
    // Saved again unchanged.
    let detail = {
        let process_id = process_id.clone();
        town.db(move |c| plenum::domain::processes::detail_by_id(c, &process_id))
            .await
    };
    let phase_id = detail
        .phases
        .iter()
        .find(|p| p.kind == "evaluation")
        .map(|p| p.id.clone());
    assert!(phase_id.is_some());
    plenum::app::processes::save_phase(&town.state, &staff, process_id.clone(), phase_id, form)
        .await
        .expect("phase saved again");
    let paul = notified(&town, &town.account("paul").id).await;
    assert_eq!(kinds(&paul), ["phase"], "the same phase saved twice is one event");
    // marie follows her proposal, not the process; staff set it.
    assert!(notified(&town, &town.account("marie").id).await.is_empty());
    assert!(notified(&town, &town.account("agent").id).await.is_empty());
    town.browser_of("paul")
        .get("/notifications")
        .await
        .assert_contains("“Process budget”")
        .assert_contains("Evaluation phase, from ");
}
