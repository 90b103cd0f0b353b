//! The notifications page, its unread count in the header, marking read, following a process,
//! and the e-mail frequency on the account page.

use plenum::domain::notifications;

use crate::budgets::budget_process;
use crate::common::Allow;
use crate::town::TestTown;

/// A town where paul commented twice on marie's proposal: marie has two unread notifications.
async fn two_comments() -> (TestTown, String) {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("paul")
        .with_proposal("budget", "marie", "More benches")
        .await;
    let id = town.proposal("More benches");
    let mut paul = town.browser_of("paul");
    for body in ["Near the school, please.", "And by the river."] {
        paul.comment(&id, body).await;
    }
    (town, id)
}

async fn unread(town: &TestTown, user_id: &str) -> i64 {
    let user_id = user_id.to_string();
    town.db(move |c| notifications::unread_count(c, &user_id)).await
}

#[tokio::test]
async fn the_page_lists_notifications_in_the_readers_language_with_the_unread_count() {
    let (town, id) = two_comments().await;
    let mut marie = town.browser_of("marie");
    let page = marie.get("/notifications").await;
    page.assert_status(200)
        .assert_contains("New comment on “More benches”.")
        .assert_contains(&format!("href=\"/proposals/{id}#comment-"))
        .assert_contains("2 unread")
        .assert_contains(">New</strong>");
    // paul, who commented, has nothing; his header shows no count.
    let page = town.browser_of("paul").get("/notifications").await;
    page.assert_status(200).assert_contains("Nothing new yet");
    assert!(!page.body.contains("unread</span>"));
    // In French.
    marie
        .post("/account/locale", &[("locale", "fr")])
        .await
        .assert_status(303);
    marie
        .get("/notifications")
        .await
        .assert_contains("Nouveau commentaire sur « More benches ».")
        .assert_contains("2 non lues");
}

#[tokio::test]
async fn marking_one_then_all_read_lowers_the_count_and_needs_the_csrf_token() {
    let (town, _) = two_comments().await;
    let marie_id = town.account("marie").id.clone();
    let list = {
        let marie_id = marie_id.clone();
        town.db(move |c| notifications::latest(c, &marie_id, 10)).await
    };
    assert_eq!(list.len(), 2);
    let mut marie = town.browser_of("marie");
    // Without the token, refused and nothing changes.
    marie
        .post_raw(&format!("/notifications/{}/read", list[0].id), &[])
        .await
        .assert_status(403);
    marie
        .post(&format!("/notifications/{}/read", list[0].id), &[])
        .await
        .assert_status(303);
    marie.get("/notifications").await.assert_contains("1 unread");
    // Someone else's notification is not found for paul.
    town.browser_of("paul")
        .post(&format!("/notifications/{}/read", list[1].id), &[])
        .await
        .assert_status(404);
    marie.post("/notifications/read", &[]).await.assert_status(303);
    let page = marie.get("/notifications").await;
    assert!(!page.body.contains("unread</span>"), "no count once all are read");
    let unread = town.db(move |c| notifications::unread_count(c, &marie_id)).await;
    assert_eq!(unread, 0);
    // Anonymous visitors have no notifications page.
    let anonymous = town.browser().get("/notifications").await;
    assert_ne!(anonymous.status, 200);
}

#[tokio::test]
async fn the_follow_button_says_its_state_and_toggles() {
    let (town, id) = two_comments().await;
    let mut paul = town.browser_of("paul");
    paul.get(&format!("/proposals/{id}"))
        .await
        .assert_contains("Follow this proposal");
    paul.post(&format!("/proposals/{id}/subscription"), &[])
        .await
        .assert_status(303);
    paul.get(&format!("/proposals/{id}"))
        .await
        .assert_contains("Stop following this proposal");
    paul.post_raw(&format!("/proposals/{id}/subscription"), &[])
        .await
        .assert_status(403);
    let anonymous = town
        .browser()
        .post(&format!("/proposals/{id}/subscription"), &[])
        .await;
    anonymous.assert_status(303);
    assert!(
        anonymous.location().starts_with("/login"),
        "anonymous visitors are sent to sign in"
    );
}

#[tokio::test]
async fn followers_of_a_process_hear_once_that_its_results_are_published() {
    let town = TestTown::new()
        .with_citizen("marie")
        .with_citizen("paul")
        .with_staff("agent")
        .await;
    let (_, budget) = budget_process(&town, -10, -1).await;
    let mut marie = town.browser_of("marie");
    marie
        .get("/processes/vote-2027/subscription")
        .await
        .assert_status(200)
        .assert_contains("You do not follow this process.");
    marie
        .post("/processes/vote-2027/subscription", &[])
        .await
        .assert_status(303);
    marie
        .get("/processes/vote-2027/subscription")
        .await
        .assert_contains("You follow this process")
        .assert_contains("Stop following this process");
    let mut agent = town.browser_of("agent");
    for _ in 0..2 {
        agent
            .post(&format!("/admin/budgets/{}/publish", budget.id), &[])
            .await;
    }
    let marie_id = town.account("marie").id.clone();
    let got = town.db(move |c| notifications::latest(c, &marie_id, 10)).await;
    assert_eq!(got.len(), 1, "published twice, told once");
    assert_eq!(got[0].kind, "results");
    marie
        .get("/notifications")
        .await
        .assert_contains("href=\"/processes/vote-2027/budgets/city/results\"");
    let paul_id = town.account("paul").id.clone();
    assert!(town
        .db(move |c| notifications::latest(c, &paul_id, 10))
        .await
        .is_empty());
}

#[tokio::test]
async fn the_email_frequency_is_daily_until_changed_and_refuses_unknown_values() {
    let town = TestTown::new().with_citizen("marie").await;
    let mut marie = town.browser_of("marie");
    marie
        .get("/account")
        .await
        .assert_contains("id=\"email-frequency-daily\" name=\"email_frequency\" value=\"daily\" checked");
    marie
        .post("/account/email-frequency", &[("email_frequency", "weekly")])
        .await
        .assert_status(303);
    marie
        .get("/account")
        .await
        .assert_contains("value=\"weekly\" checked");
    let refused = marie
        .post("/account/email-frequency", &[("email_frequency", "hourly")])
        .await;
    assert_ne!(refused.status, 303);
    marie
        .get("/account")
        .await
        .assert_contains("value=\"weekly\" checked");
}

#[tokio::test]
async fn someone_who_stops_following_hears_nothing_more() {
    let (town, id) = two_comments().await;
    let marie_id = town.account("marie").id.clone();
    assert_eq!(unread(&town, &marie_id).await, 2);
    let mut marie = town.browser_of("marie");
    let mut paul = town.browser_of("paul");
    marie
        .post(&format!("/proposals/{id}/subscription"), &[])
        .await
        .assert_status(303);
    paul.comment(&id, "Any news about this?").await;
    assert_eq!(
        unread(&town, &marie_id).await,
        2,
        "marie stopped following her proposal"
    );
    marie
        .post(&format!("/proposals/{id}/subscription"), &[])
        .await
        .assert_status(303);
    paul.comment(&id, "Still hoping for it.").await;
    assert_eq!(unread(&town, &marie_id).await, 3);
}
