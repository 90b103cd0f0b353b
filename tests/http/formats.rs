//! Amounts, counts and dates on the pages read as a person of each language writes them, and the
//! results chart names its projects and tells funded ones apart by more than colour.

use chrono::{Duration, NaiveDate};
use plenum::domain::budgets;
use plenum::domain::now;
use plenum::domain::processes::{self, ProcessDetail};

use crate::budgets::close_vote;
use crate::common::{Browser, Page, TestApp};
use crate::voting::{add_budget, budget_form, process_form, project, set_vote_window, voting_process};

const NNBSP: &str = "\u{202F}";
const NBSP: &str = "\u{A0}";

/// The long name the chart must shorten, and the short one it shows whole.
const LONG_NAME: &str = "Rénovation complète du gymnase de l’école Jean Jaurès et de ses vestiaires";
const SHORT_NAME: &str = "Pistes cyclables";

/// A process open for voting on a 130,000 EUR knapsack budget with three projects: the
/// gymnasium (130,000), the cycle lanes (1,234.50) and a garden (50,000).
async fn town_budget(app: &TestApp) -> (ProcessDetail, budgets::Budget) {
    voting_process(
        app,
        process_form(
            "budget-2027",
            "Budget participatif 2027",
            "Un budget participatif pour les tests des formats.",
        ),
        (now() - Duration::days(1), now() + Duration::days(7)),
        budget_form("ville", "Budget de la ville", "130000", "knapsack", "greedy"),
        vec![
            project("gym", LONG_NAME, "130000"),
            project("bike", SHORT_NAME, "1234.50"),
            project("garden", "Jardin partagé", "50000.0"),
        ],
    )
    .await
}

fn in_french(mut b: Browser) -> Browser {
    b.accept_language = "fr".into();
    b
}

fn assert_lacks(page: &Page, text: &str) {
    assert!(!page.body.contains(text), "the page shows {text:?}");
}

/// What a reader sees: the page without its tags (attributes keep machine values, such as the
/// budget bar's bounds in cents, for the meter and its script).
fn shown_text(page: &Page) -> String {
    let mut out = String::with_capacity(page.body.len());
    let mut in_tag = false;
    for c in page.body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn the_budget_page_writes_amounts_as_each_language_does() {
    let app = TestApp::new().await;
    town_budget(&app).await;
    let path = "/processes/budget-2027/budgets/ville";

    let en = app.browser().get(path).await;
    en.assert_status(200)
        .assert_contains("Budget: €130,000")
        .assert_contains("€1,234.50")
        .assert_contains("€50,000<");
    assert!(!shown_text(&en).contains("130000"), "the page shows 130000");
    assert_lacks(&en, "EUR");

    let fr = in_french(app.browser()).get(path).await;
    fr.assert_status(200)
        .assert_contains(&format!("Budget : 130{NNBSP}000{NBSP}€"))
        .assert_contains(&format!("1{NNBSP}234,50{NBSP}€"))
        .assert_contains(&format!("50{NNBSP}000{NBSP}€<"));
    assert_lacks(&fr, "50000.0");
    assert_lacks(&fr, "EUR");

    // The process page lists the budget with its amount too.
    app.browser()
        .get("/processes/budget-2027")
        .await
        .assert_contains("Budget: €130,000");
}

#[tokio::test]
async fn the_running_total_is_an_amount_in_the_readers_language() {
    let app = TestApp::new().await;
    town_budget(&app).await;
    let ballot = "/processes/budget-2027/budgets/ville/ballot";
    let choices = [("choice", "bike"), ("choice", "garden"), ("action", "check")];

    let (b, _) = app.citizen("lea").await;
    let mut fr = in_french(b);
    fr.post(ballot, &choices)
        .await
        .assert_status(200)
        .assert_contains(&format!(
            "51{NNBSP}234,50{NBSP}€ sur 130{NNBSP}000{NBSP}€ choisis"
        ))
        .assert_contains(&format!("reste 78{NNBSP}765,50{NBSP}€"));

    let (mut en, _) = app.citizen("sam").await;
    en.post(ballot, &choices)
        .await
        .assert_status(200)
        .assert_contains("€51,234.50 of €130,000 chosen")
        .assert_contains("€78,765.50 left");
}

#[tokio::test]
async fn the_results_page_names_projects_in_the_chart_and_says_which_are_funded() {
    let app = TestApp::new().await;
    let (detail, budget) = town_budget(&app).await;
    let ballot = "/processes/budget-2027/budgets/ville/ballot";
    // Two votes for the gymnasium, one for the cycle lanes and the garden.
    for (voter, choices) in [
        ("ana", &["gym"][..]),
        ("ben", &["gym"][..]),
        ("cam", &["bike", "garden"][..]),
    ] {
        let (mut b, _) = app.citizen(voter).await;
        let mut fields: Vec<(&str, &str)> = choices.iter().map(|c| ("choice", *c)).collect();
        fields.push(("action", "cast"));
        b.post(ballot, &fields).await.assert_status(200);
    }
    close_vote(&app, &detail).await;
    let (mut staff, _) = app.staff("agent").await;
    staff
        .post(&format!("/admin/budgets/{}/publish", budget.id), &[])
        .await
        .assert_status(303);
    let path = "/processes/budget-2027/budgets/ville/results";

    let en = app.browser().get(path).await;
    en.assert_status(200)
        // The table: amounts, the outcome in words.
        .assert_contains("<td class=\"number\">€130,000</td>")
        .assert_contains("<td class=\"number\">€1,234.50</td>")
        .assert_contains("Funded</strong>")
        .assert_contains("Not funded")
        // All the budget went to the gymnasium.
        .assert_contains("Budget used: 100%")
        // The chart: the names (a long one shortened, whole in its title), a hatch and a word.
        .assert_contains(&format!("<title>{LONG_NAME}: 2 — Funded</title>"))
        .assert_contains(">Rénovation complète du gymnase de l’école Jean…</text>")
        .assert_contains(&format!(">{SHORT_NAME}</text>"))
        .assert_contains("fill=\"url(#funded-hatch)\"")
        .assert_contains("2 ✓ funded</text>")
        .assert_contains("<desc id=\"chart-desc\">");
    // Only the one funded project has the hatched bar.
    assert_eq!(en.body.matches("url(#funded-hatch)").count(), 1);
    assert_lacks(&en, "130000");

    let fr = in_french(app.browser()).get(path).await;
    fr.assert_status(200)
        .assert_contains(&format!("<td class=\"number\">130{NNBSP}000{NBSP}€</td>"))
        .assert_contains(&format!("Budget utilisé : 100{NNBSP}%"))
        .assert_contains("2 ✓ financé</text>")
        .assert_contains("Financé</strong>");
    assert_lacks(&fr, "130000");

    // Machine formats keep raw values.
    let csv = app.browser().get(&format!("{path}.csv")).await;
    csv.assert_contains("\"gym\",").assert_contains(",130000,2,");
}

#[tokio::test]
async fn phase_dates_are_the_days_of_the_town_in_time_elements() {
    let app = TestApp::new().await;
    let (detail, _) = town_budget(&app).await;
    // 23:30 UTC on 30 November 2026 is already 1 December in Paris.
    let (starts, ends) = (
        NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|d| d.and_hms_opt(23, 30, 0))
            .expect("a date"),
        NaiveDate::from_ymd_opt(2027, 7, 14)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("a date"),
    );
    set_vote_window(&app, &detail, starts, ends).await;
    in_french(app.browser())
        .get("/processes/budget-2027")
        .await
        .assert_contains(
            "du <time datetime=\"2026-11-30T23:30:00Z\">1er décembre 2026</time> \
             au <time datetime=\"2027-07-14T12:00:00Z\">14 juillet 2027</time>",
        );
    app.browser()
        .get("/processes/budget-2027")
        .await
        .assert_contains("from <time datetime=\"2026-11-30T23:30:00Z\">1 December 2026</time>");
}

#[tokio::test]
async fn a_proposal_that_became_a_project_shows_its_cost_in_the_readers_language() {
    use crate::common::Allow;
    let app = TestApp::new().await;
    let detail = app.process("idees", Allow::ALL).await;
    let (mut author, _) = app.citizen("nora").await;
    let proposal_id = author
        .propose_id(
            "idees",
            "Voiles d'ombrage",
            "Des voiles au-dessus du bac à sable.",
        )
        .await;
    let budget = add_budget(
        &app,
        &detail.process.id,
        budget_form("idees-budget", "Budget des idées", "500000", "approval", "greedy"),
        Vec::new(),
    )
    .await;
    let (mut staff, _) = app.staff("agent").await;
    staff
        .post(
            &format!("/admin/proposals/{proposal_id}/answer"),
            &[("state", "accepted"), ("answer", "Oui, la ville les installera.")],
        )
        .await;
    let page = app.browser().get(&format!("/proposals/{proposal_id}")).await;
    assert_lacks(&page, "id=\"budget-projects\"");
    staff
        .post(
            &format!("/admin/budgets/{}/projects", budget.id),
            &[("proposal_id", &proposal_id), ("code", "1"), ("cost", "130000")],
        )
        .await
        .assert_status(303);

    app.browser()
        .get(&format!("/proposals/{proposal_id}"))
        .await
        .assert_status(200)
        .assert_contains("Became a project of the budget “Budget des idées”, costing €130,000");
    in_french(app.browser())
        .get(&format!("/proposals/{proposal_id}"))
        .await
        .assert_contains(&format!(
            "Devenue un projet du budget « Budget des idées », pour 130{NNBSP}000{NBSP}€"
        ));
    // Staff read the project's cost the same way on the budget's admin page.
    staff
        .get(&format!("/admin/budgets/{}", budget.id))
        .await
        .assert_contains("<td>€130,000</td>")
        .assert_contains("Budget: €500,000");
}

#[tokio::test]
async fn a_vote_not_open_yet_says_when_it_opens_on_the_towns_clock() {
    let app = TestApp::new().await;
    let (detail, _) = town_budget(&app).await;
    // 17:30 UTC on 2 December 2099 is 18:30 in Paris (winter time).
    let starts = NaiveDate::from_ymd_opt(2099, 12, 2)
        .and_then(|d| d.and_hms_opt(17, 30, 0))
        .expect("a date");
    set_vote_window(&app, &detail, starts, starts + Duration::days(7)).await;
    let (b, _) = app.citizen("lea").await;
    let mut fr = in_french(b);
    fr.get("/processes/budget-2027/budgets/ville")
        .await
        .assert_contains("Il ouvre le 2 décembre 2099 à 18 h 30.");
    let (mut en, _) = app.citizen("sam").await;
    en.get("/processes/budget-2027/budgets/ville")
        .await
        .assert_contains("It opens on 2 December 2099, 6:30 pm.");
}

#[tokio::test]
async fn staff_set_phase_times_on_the_towns_clock() {
    let app = TestApp::new().await;
    let (detail, _) = town_budget(&app).await;
    let (mut staff, _) = app.staff("agent").await;
    let phase = &detail.phases[0];
    staff
        .post(
            &format!("/admin/processes/{}/phases/{}", detail.process.id, phase.id),
            &[
                ("kind", "vote"),
                ("starts_at", "2026-12-02T18:00"),
                ("ends_at", "2027-07-14T18:30"),
            ],
        )
        .await
        .assert_status(303);
    // Stored in UTC: 17:00 in winter, 16:30 in summer.
    let pid = detail.process.id.clone();
    let stored = app.db(move |c| processes::detail_by_id(c, &pid)).await.phases;
    assert_eq!(stored[0].starts_at.to_string(), "2026-12-02 17:00:00");
    assert_eq!(stored[0].ends_at.to_string(), "2027-07-14 16:30:00");
    // Staff read back what they wrote; the hint names the zone.
    staff
        .get(&format!("/admin/processes/{}", detail.process.id))
        .await
        .assert_contains("value=\"2026-12-02T18:00\"")
        .assert_contains("value=\"2027-07-14T18:30\"")
        .assert_contains("(Europe/Paris)");
    // A time the clocks skip is refused with the reason.
    staff
        .post(
            &format!("/admin/processes/{}/phases/{}", detail.process.id, phase.id),
            &[
                ("kind", "vote"),
                ("starts_at", "2027-03-28T02:30"),
                ("ends_at", "2027-07-14T18:30"),
            ],
        )
        .await
        .assert_status(422)
        .assert_contains("This time does not exist that day");
}
