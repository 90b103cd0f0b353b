//! The budget bar of a ballot: how much of the budget (or of the points) the choices take,
//! written in words beside a `<meter>`, and what `static/ballot.js` needs to redo it in the
//! browser as the person chooses. The server's figure is the one that counts: the script only
//! shows the same sum sooner, and without it the "update the total" button asks the server.

use crate::budgeting::amount::Decimal;
use crate::domain::ballots::{self, CheckedBallot};
use crate::domain::budgets::{BallotType, Budget, BudgetProject};
use crate::i18n::Tr;

/// Placeholders the script replaces in the bar's sentences (any text Fluent leaves alone).
const CHOSEN: &str = "{chosen}";
const LEFT: &str = "{left}";

/// The bar as the page shows it, and its sentences for the script.
pub struct BudgetBar {
    /// A cumulative ballot counts points; the others count money.
    pub points: bool,
    /// The meter's bounds, in the bar's smallest unit (cents, or points).
    pub max: String,
    pub value: String,
    /// "12 000 € of 50 000 € chosen".
    pub text: String,
    /// "38 000 € left", while something is.
    pub left: Option<String>,
    /// The over-budget message, when the choices cannot be cast for it (knapsack: too
    /// expensive; cumulative: too many points).
    pub over: Option<String>,
    /// The same message, always, for the script to show or hide.
    pub over_text: String,
    /// Decimal places of the bar's unit (money only).
    pub places: u32,
    /// An amount of zero as this language writes it in this currency (`0 €`, `€0`): the script
    /// writes its figure in place of the `0`.
    pub zero: String,
    pub group: String,
    pub decimal: String,
    /// `text` and `left` with placeholders instead of the chosen figure and what is left.
    pub text_template: String,
    pub left_template: String,
}

/// What one project adds to the bar when chosen, in the bar's unit, for the script.
pub fn scaled_cost(project: &BudgetProject, places: u32) -> String {
    project
        .cost()
        .rescale(places)
        .map(|c| c.to_string())
        .unwrap_or_default()
}

/// The decimal places the bar counts in: the most any amount of the budget has.
pub fn places(budget: &Budget, projects: &[BudgetProject]) -> u32 {
    projects
        .iter()
        .map(|p| p.cost().places())
        .chain(std::iter::once(budget.amount().places()))
        .max()
        .unwrap_or(0)
}

impl BudgetBar {
    pub fn new(tr: &Tr, budget: &Budget, projects: &[BudgetProject], chosen: &CheckedBallot) -> BudgetBar {
        let places = places(budget, projects);
        let common = |points: bool, max: String, value: String| BudgetBar {
            points,
            max,
            value,
            text: String::new(),
            left: None,
            over: None,
            over_text: String::new(),
            places,
            zero: tr.amount("0", &budget.currency),
            group: tr.t("number-group"),
            decimal: tr.t("number-decimal"),
            text_template: String::new(),
            left_template: String::new(),
        };
        if budget.ballot_type() == BallotType::Cumulative {
            let cap = u64::try_from(budget.points).unwrap_or(0);
            let given = chosen.points.iter().fold(0u64, |sum, p| sum.saturating_add(*p));
            let all = tr.integer(cap);
            let text =
                |given: String| tr.t_with("ballot-points-text", &[("given", given), ("points", all.clone())]);
            let left = |left: String| tr.t_with("ballot-points-left", &[("left", left)]);
            let over_text = tr.t_with("ballot-points-over", &[("points", all.clone())]);
            return BudgetBar {
                text: text(tr.integer(given)),
                left: cap
                    .checked_sub(given)
                    .filter(|l| *l > 0)
                    .map(|l| left(tr.integer(l))),
                over: (given > cap).then(|| over_text.clone()),
                over_text,
                text_template: text(CHOSEN.into()),
                left_template: left(LEFT.into()),
                ..common(true, cap.to_string(), given.min(cap).to_string())
            };
        }
        let amount = budget.amount();
        let total = ballots::chosen_cost(projects, &chosen.choices);
        let remaining = total.and_then(|t| amount.checked_sub(&t));
        let whole = tr.amount(amount.to_string(), &budget.currency);
        let text = |chosen: String| {
            tr.t_with(
                "ballot-bar-text",
                &[("chosen", chosen), ("budget", whole.clone())],
            )
        };
        let left = |left: String| tr.t_with("ballot-bar-left", &[("left", left)]);
        let over_text = tr.t("ballot-bar-over");
        let scaled = |d: &Decimal| d.rescale(places).unwrap_or(u128::MAX);
        let max = scaled(&amount);
        let value = total.as_ref().map_or(max, |t| scaled(t).min(max));
        // Only a knapsack ballot must fit the budget; the others show the sum for information.
        let must_fit = budget.ballot_type() == BallotType::Knapsack;
        BudgetBar {
            text: text(tr.amount(
                total.unwrap_or(Decimal::from_units(0)).to_string(),
                &budget.currency,
            )),
            left: remaining
                .filter(|r| !r.is_zero())
                .map(|r| left(tr.amount(r.to_string(), &budget.currency))),
            over: (must_fit && remaining.is_none()).then(|| over_text.clone()),
            over_text: if must_fit { over_text } else { String::new() },
            text_template: text(CHOSEN.into()),
            left_template: left(LEFT.into()),
            ..common(false, max.to_string(), value.to_string())
        }
    }
}
