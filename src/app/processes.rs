//! What staff do with a participatory process: its description, publication, phases and who
//! may take part. Followers hear of each change (the `Group`'s `Update`); a phase change also
//! reaches their timelines as a note of the process.

use super::{act, AppState, Staff};
use crate::domain::accounts::User;
use crate::domain::notifications::events;
use crate::domain::processes::{self, PhaseForm, Process, ProcessDetail, ProcessForm, RulesForm};
use crate::domain::Result;
use crate::federation::outbox::Event;

/// A process and its phases as `viewer` may see it (drafts: staff only).
pub async fn view(state: &AppState, viewer: Option<&User>, slug: String) -> Result<ProcessDetail> {
    let staff = viewer.is_some_and(User::is_admin);
    state
        .db
        .read(move |conn| processes::detail_by_slug(conn, &slug, staff))
        .await
}

/// Creates a process as a draft: nobody but staff sees it, and followers hear of it only once
/// it is published.
pub async fn create(state: &AppState, _staff: &Staff, form: ProcessForm) -> Result<Process> {
    act(state, move |conn, _effects| processes::create(conn, &form)).await
}

/// The process as an ActivityPub `Group`. A write: the process's keys are made the first time
/// anyone asks for its actor.
pub async fn actor(state: &AppState, slug: String) -> Result<serde_json::Value> {
    let base = state.config.base();
    let logo = state.config.logo_url.clone();
    act(state, move |conn, _effects| {
        let detail = processes::detail_by_slug(conn, &slug, false)?;
        crate::federation::actors::process_json(conn, &base, &detail, logo.as_deref())
    })
    .await
}

pub async fn update(state: &AppState, _staff: &Staff, id: String, form: ProcessForm) -> Result<Process> {
    act(state, move |conn, effects| {
        let process = processes::update(conn, &id, &form)?;
        effects.federate(Event::ProcessChanged(id));
        Ok(process)
    })
    .await
}

/// Publishing needs at least one phase; the conflict says so.
pub async fn set_published(state: &AppState, _staff: &Staff, id: String, published: bool) -> Result<()> {
    act(state, move |conn, effects| {
        processes::set_published(conn, &id, published)?;
        effects.federate(Event::ProcessChanged(id));
        Ok(())
    })
    .await
}

/// Adds a phase (`phase_id` `None`) or changes one.
pub async fn save_phase(
    state: &AppState,
    staff: &Staff,
    process_id: String,
    phase_id: Option<String>,
    form: PhaseForm,
) -> Result<()> {
    let base = state.site().base;
    let town = state.town_tr();
    let staff_id = staff.user().id.clone();
    act(state, move |conn, effects| {
        match phase_id {
            Some(phase) => processes::update_phase(conn, &process_id, &phase, &form)?,
            None => processes::add_phase(conn, &process_id, &form).map(|_| ())?,
        }
        effects.federate(Event::ProcessChanged(process_id.clone()));
        let process = processes::find_by_id(conn, &process_id)?;
        events::phase_set(conn, &process, &form, &staff_id)?;
        let news = town.t_with(
            "federation-phase-news",
            &[
                ("process", process.title.clone()),
                ("phase", town.t(&format!("phase-{}", form.kind))),
                ("start", town.date(&form.starts_at)),
                ("end", town.date(&form.ends_at)),
            ],
        );
        let link = crate::federation::urls::process(&base, &process.slug);
        effects.federate(Event::News {
            process_id,
            html: crate::federation::content::news_html(&news, &link),
        });
        Ok(())
    })
    .await
}

pub async fn delete_phase(
    state: &AppState,
    _staff: &Staff,
    process_id: String,
    phase_id: String,
) -> Result<()> {
    act(state, move |conn, effects| {
        processes::delete_phase(conn, &process_id, &phase_id)?;
        effects.federate(Event::ProcessChanged(process_id));
        Ok(())
    })
    .await
}

/// Who may propose, endorse, comment and vote, and which peer towns' residents count.
pub async fn set_rules(state: &AppState, _staff: &Staff, id: String, rules: RulesForm) -> Result<()> {
    act(state, move |conn, effects| {
        processes::set_rules(conn, &id, &rules)?;
        effects.federate(Event::ProcessChanged(id));
        Ok(())
    })
    .await
}
