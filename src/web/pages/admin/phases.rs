//! The phases of a process: one form per phase on the process's edit page, plus "add a phase".
//!
//! Browsers send `<input type="datetime-local">` as `YYYY-MM-DDTHH:MM` and leave unticked
//! checkboxes out, so the form is read as text here and turned into the domain's `PhaseForm`.
//! Staff write times on the town's clock (`PLENUM_TIMEZONE`), as residents read them; they are
//! stored in UTC.

use crate::app;
use axum::extract::{Form, Path};
use axum::response::Response;
use chrono::{LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::Deserialize;

use super::processes::{edit_page, Rejected};
use super::{translate, SummaryItem};
use crate::domain::processes::{Phase, PhaseForm, PhaseKind};
use crate::domain::{Error, FieldError, Msg};
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::pages::{fields_refused, see_other, unprocessable, FormErrors};

/// What the `datetime-local` input shows and sends (minutes, no seconds).
const INPUT_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// A phase form as sent; every field may be missing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PhaseInput {
    kind: String,
    starts_at: String,
    ends_at: String,
    proposals_enabled: Option<String>,
    endorsements_enabled: Option<String>,
    comments_enabled: Option<String>,
}

impl PhaseInput {
    /// The domain's form with its times in UTC, or a field error for each date that cannot be
    /// read or that the town's clock skips.
    fn to_form(&self, zone: Tz) -> Result<PhaseForm, Vec<FieldError>> {
        let starts_at = town_time_to_utc(&self.starts_at, zone);
        let ends_at = town_time_to_utc(&self.ends_at, zone);
        match (starts_at, ends_at) {
            (Ok(starts_at), Ok(ends_at)) => Ok(PhaseForm {
                kind: self.kind.clone(),
                starts_at,
                ends_at,
                proposals_enabled: self.proposals_enabled.is_some(),
                endorsements_enabled: self.endorsements_enabled.is_some(),
                comments_enabled: self.comments_enabled.is_some(),
            }),
            (starts_at, ends_at) => {
                let mut errors = Vec::new();
                for (field, value) in [("starts_at", starts_at), ("ends_at", ends_at)] {
                    if let Err(msg) = value {
                        errors.push(FieldError { field, msg });
                    }
                }
                Err(errors)
            }
        }
    }
}

/// The UTC moment of a time written on the town's clock. In the hour the clocks go back, the
/// first of the two moments is meant; a time the clocks skip (going forward) is refused.
fn town_time_to_utc(text: &str, zone: Tz) -> Result<NaiveDateTime, Msg> {
    let local = parse_datetime(text).ok_or_else(|| Msg::new("error-date"))?;
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Ok(at.naive_utc()),
        LocalResult::None => Err(Msg::new("error-date-skipped")),
    }
}

/// A UTC moment as the form shows it, on the town's clock.
fn town_time(at: &NaiveDateTime, zone: Tz) -> String {
    zone.from_utc_datetime(at).format(INPUT_FORMAT).to_string()
}

/// Reads a date and time as `datetime-local` sends it, with or without seconds. A space
/// instead of the `T` is accepted too: browsers without a date picker show a plain text box.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim().replacen(' ', "T", 1);
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(&text, format).ok())
}

/// One phase form as the template shows it.
pub struct PhaseView {
    /// Starts every field id of this form, so ids stay unique on the page.
    pub prefix: String,
    pub action: String,
    /// Present for stored phases only.
    pub delete_action: Option<String>,
    /// Position in the process, from 1.
    pub number: usize,
    /// The stored phase, for the heading; `None` for the new one.
    pub stored: Option<Phase>,
    pub kind: String,
    pub starts_at: String,
    pub ends_at: String,
    pub proposals_enabled: bool,
    pub endorsements_enabled: bool,
    pub comments_enabled: bool,
    pub errors: FormErrors,
}

impl PhaseView {
    fn empty(process_id: &str, phase: Option<&Phase>, number: usize) -> PhaseView {
        let (prefix, action, delete_action) = match phase {
            Some(p) => (
                format!("phase-{number}-"),
                format!("/admin/processes/{process_id}/phases/{}", p.id),
                Some(format!("/admin/processes/{process_id}/phases/{}/delete", p.id)),
            ),
            None => (
                "new-phase-".into(),
                format!("/admin/processes/{process_id}/phases"),
                None,
            ),
        };
        PhaseView {
            prefix,
            action,
            delete_action,
            number,
            stored: phase.cloned(),
            kind: PhaseKind::ALL[0].as_str().into(),
            starts_at: String::new(),
            ends_at: String::new(),
            proposals_enabled: false,
            endorsements_enabled: false,
            comments_enabled: false,
            errors: FormErrors::default(),
        }
    }

    /// The form of a stored phase, showing what is stored.
    pub fn stored(process_id: &str, phase: &Phase, number: usize, zone: Tz) -> PhaseView {
        PhaseView {
            kind: phase.kind.clone(),
            starts_at: town_time(&phase.starts_at, zone),
            ends_at: town_time(&phase.ends_at, zone),
            proposals_enabled: phase.proposals_enabled,
            endorsements_enabled: phase.endorsements_enabled,
            comments_enabled: phase.comments_enabled,
            ..PhaseView::empty(process_id, Some(phase), number)
        }
    }

    /// The "add a phase" form, starting where the last phase ends.
    pub fn blank(process_id: &str, number: usize, last: Option<&Phase>, zone: Tz) -> PhaseView {
        PhaseView {
            starts_at: last.map(|p| town_time(&p.ends_at, zone)).unwrap_or_default(),
            ..PhaseView::empty(process_id, None, number)
        }
    }

    /// A refused form, showing what was sent and why it was refused, with the summary lines.
    pub fn sent(
        ctx: &Ctx,
        process_id: &str,
        phase: Option<&Phase>,
        number: usize,
        input: PhaseInput,
        errors: &[FieldError],
    ) -> (PhaseView, Vec<SummaryItem>) {
        let empty = PhaseView::empty(process_id, phase, number);
        let (errors, summary) = translate(ctx, errors, &empty.prefix);
        let view = PhaseView {
            kind: input.kind,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            proposals_enabled: input.proposals_enabled.is_some(),
            endorsements_enabled: input.endorsements_enabled.is_some(),
            comments_enabled: input.comments_enabled.is_some(),
            errors,
            ..empty
        };
        (view, summary)
    }

    /// Kinds offered by the select.
    pub fn kinds(&self) -> &'static [PhaseKind] {
        PhaseKind::ALL
    }

    /// The id of a field of this form.
    pub fn id(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    /// `aria-describedby` of a field: its hint (if any) then its error (if any).
    pub fn described_by(&self, field: &str, hint: Option<&str>) -> String {
        let mut ids: Vec<String> = hint.map(str::to_string).into_iter().collect();
        if self.errors.get(field).is_some() {
            ids.push(format!("{}-error", self.id(field)));
        }
        ids.join(" ")
    }
}

/// Runs a phase change; a refused form shows the edit page again with what was sent.
async fn save(
    ctx: Ctx,
    process_id: String,
    phase_id: Option<String>,
    input: PhaseInput,
) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let result = match input.to_form(ctx.state.config.timezone) {
        Ok(form) => {
            app::processes::save_phase(&ctx.state, &staff, process_id.clone(), phase_id.clone(), form).await
        }
        Err(errors) => Err(Error::Invalid(errors)),
    };
    match fields_refused(result)? {
        Ok(()) => Ok(see_other(
            &format!("/admin/processes/{process_id}"),
            "phase-saved",
        )),
        Err(errors) => {
            let rejected = Rejected {
                phase: Some((phase_id, input, errors)),
                ..Rejected::default()
            };
            Ok(unprocessable(edit_page(&ctx, process_id, rejected).await?))
        }
    }
}

pub async fn add(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(input): Form<PhaseInput>,
) -> Result<Response, AppError> {
    save(ctx, id, None, input).await
}

pub async fn update(
    ctx: Ctx,
    Path((id, phase_id)): Path<(String, String)>,
    Form(input): Form<PhaseInput>,
) -> Result<Response, AppError> {
    save(ctx, id, Some(phase_id), input).await
}

pub async fn delete(ctx: Ctx, Path((id, phase_id)): Path<(String, String)>) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    app::processes::delete_phase(&ctx.state, &staff, id.clone(), phase_id).await?;
    Ok(see_other(&format!("/admin/processes/{id}"), "phase-saved"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_local_is_read_with_or_without_seconds() {
        let minutes = parse_datetime("2026-05-01T09:30").expect("minutes");
        assert_eq!(
            minutes.format("%Y-%m-%d %H:%M:%S").to_string(),
            "2026-05-01 09:30:00"
        );
        assert_eq!(
            parse_datetime("2026-05-01T09:30:15")
                .expect("seconds")
                .format("%S")
                .to_string(),
            "15"
        );
        assert!(parse_datetime("2026-05-01 09:30").is_some());
        assert!(parse_datetime("2026-05-01T09:30:15.250").is_some());
    }

    #[test]
    fn garbled_or_missing_dates_are_field_errors() {
        assert!(parse_datetime("").is_none());
        assert!(parse_datetime("tomorrow").is_none());
        assert!(parse_datetime("2026-13-01T09:30").is_none());
        let input = PhaseInput {
            kind: "vote".into(),
            starts_at: "soon".into(),
            ends_at: "2026-05-01T09:30".into(),
            ..PhaseInput::default()
        };
        let errors = input.to_form(chrono_tz::UTC).expect_err("a bad start");
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].field, errors[0].msg.key), ("starts_at", "error-date"));
    }

    #[test]
    fn absent_checkboxes_mean_false() {
        let input = PhaseInput {
            kind: "vote".into(),
            starts_at: "2026-05-01T09:30".into(),
            ends_at: "2026-05-08T09:30".into(),
            endorsements_enabled: Some("on".into()),
            ..PhaseInput::default()
        };
        let form = input.to_form(chrono_tz::UTC).expect("valid");
        assert!(form.endorsements_enabled && !form.proposals_enabled && !form.comments_enabled);
    }

    #[test]
    fn staff_write_times_on_the_towns_clock_and_read_them_back_so() {
        let paris = chrono_tz::Europe::Paris;
        let input = |starts: &str, ends: &str| PhaseInput {
            kind: "vote".into(),
            starts_at: starts.into(),
            ends_at: ends.into(),
            ..PhaseInput::default()
        };
        // 18:00 in Paris is 17:00 UTC in winter, 16:00 UTC in summer.
        let form = input("2026-12-02T18:00", "2027-07-14T18:00")
            .to_form(paris)
            .expect("valid");
        assert_eq!(form.starts_at.to_string(), "2026-12-02 17:00:00");
        assert_eq!(form.ends_at.to_string(), "2027-07-14 16:00:00");
        assert_eq!(town_time(&form.starts_at, paris), "2026-12-02T18:00");
        assert_eq!(town_time(&form.ends_at, paris), "2027-07-14T18:00");
        // 02:30 on 28 March 2027 does not exist in Paris (02:00 becomes 03:00).
        let errors = input("2027-03-28T02:30", "2027-04-01T00:00")
            .to_form(paris)
            .expect_err("a skipped time");
        assert_eq!(
            (errors[0].field, errors[0].msg.key),
            ("starts_at", "error-date-skipped")
        );
        // 02:30 on 31 October 2027 happens twice: the first one (summer time, UTC+2) is meant.
        let form = input("2027-10-31T02:30", "2027-11-01T00:00")
            .to_form(paris)
            .expect("valid");
        assert_eq!(form.starts_at.to_string(), "2027-10-31 00:30:00");
    }
}
