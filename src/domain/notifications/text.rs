//! A notification in words: the same text on the page, in the JSON API and in mail.

use super::{events, Notification};
use crate::i18n::Tr;

/// A notification's text in the reader's language, and the path of what it is about (none when
/// the reader could not open it). The page and the JSON API both say it this way.
pub fn describe(tr: &Tr, n: &Notification) -> (String, Option<String>) {
    let args = n.args();
    let arg = |name: &str| args.get(name).cloned().unwrap_or_default();
    // Only the kinds that have one name a state or a phase (no lookup of `state-` for the rest).
    let named = |prefix: &str, name: &str| match arg(name) {
        value if value.is_empty() => String::new(),
        value => tr.t(&format!("{prefix}-{value}")),
    };
    let state = named("state", "state");
    let reasons = arg("reasons")
        .split(',')
        .filter(|r| !r.is_empty())
        .map(|r| tr.t(&format!("reason-{r}")))
        .collect::<Vec<_>>()
        .join(", ");
    let reasons = if reasons.is_empty() {
        tr.t("notification-reason-none")
    } else {
        reasons
    };
    let date = |name: &str| {
        chrono::NaiveDateTime::parse_from_str(&arg(name), events::DATE_ARG)
            .map(|at| tr.date(&at))
            .unwrap_or_default()
    };
    let text = tr.t_with(
        &format!("notification-{}", n.kind),
        &[
            ("title", arg("title")),
            ("state", state),
            ("reasons", reasons),
            ("phase", named("phase", "phase")),
            ("start", date("start")),
            ("end", date("end")),
        ],
    );
    let link = match (&n.proposal_id, &n.comment_id) {
        (Some(p), Some(c)) => Some(format!("/proposals/{p}#comment-{c}")),
        (Some(p), None) => Some(format!("/proposals/{p}")),
        // A link the event stored (results); only a path of this site is followed.
        (None, _) => args
            .get("link")
            .filter(|l| l.starts_with('/') && !l.starts_with("//"))
            .cloned(),
    };
    // The author of a hidden proposal can no longer open it: no link that would fail.
    let link = if n.kind == "hidden" { None } else { link };
    (text, link)
}
