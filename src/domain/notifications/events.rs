//! Who hears about each event, and under which key. One function per event, called by the
//! action that makes it happen, in its transaction.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::{raise, Kind, Notice};
use crate::db::schema::{notifications, users};
use crate::db::AnyConnection;
use crate::domain::accounts::Role;
use crate::domain::budgets::Budget;
use crate::domain::comments::{self, Comment};
use crate::domain::processes::{PhaseForm, Process};
use crate::domain::proposals::Proposal;
use crate::domain::subscriptions::{followers, Target};
use crate::domain::{now, Result};

/// An official answer (`state`, `text`) to `proposal`: its followers (its author among them)
/// hear of it. The same answer given twice is one event; a different answer is a new one.
pub fn answered(
    conn: &mut AnyConnection,
    proposal: &Proposal,
    state: &str,
    text: &str,
    actor_id: &str,
) -> Result<()> {
    let digest = hex::encode(&Sha256::digest(format!("{state}\n{text}").as_bytes())[..8]);
    let notice = Notice::new(Kind::Answer, format!("answer:{}:{digest}", proposal.id))
        .about_proposal(proposal)
        .arg("title", proposal.title.clone())
        .arg("state", state);
    let people = followers(conn, Target::Proposal, &proposal.id)?;
    raise(conn, &people, Some(actor_id), &notice)?;
    Ok(())
}

/// A new comment: the author of the comment it replies to hears of a reply, the proposal's
/// followers of a comment; someone who is both hears once (the reply, the closer news).
pub fn commented(conn: &mut AnyConnection, proposal: &Proposal, comment: &Comment) -> Result<()> {
    let key = format!("comment:{}", comment.id);
    let actor = comment.author_id.as_deref();
    if let Some(parent_id) = &comment.parent_id {
        let parent = comments::find(conn, parent_id)?;
        if let Some(parent_author) = parent.author_id {
            let notice = Notice::new(Kind::Reply, key.clone())
                .about_proposal(proposal)
                .about_comment(comment)
                .arg("title", proposal.title.clone());
            raise(conn, &[parent_author], actor, &notice)?;
        }
    }
    let notice = Notice::new(Kind::Comment, key)
        .about_proposal(proposal)
        .about_comment(comment)
        .arg("title", proposal.title.clone());
    let people = followers(conn, Target::Proposal, &proposal.id)?;
    raise(conn, &people, actor, &notice)?;
    Ok(())
}

/// The format of dates kept in a notification's arguments, read back to be shown.
pub const DATE_ARG: &str = "%Y-%m-%dT%H:%M:%S";

/// Staff set a phase of `process` (kind, dates): its followers hear of it. The same phase saved
/// again unchanged is the same event.
pub fn phase_set(
    conn: &mut AnyConnection,
    process: &Process,
    form: &PhaseForm,
    actor_id: &str,
) -> Result<()> {
    let start = form.starts_at.format(DATE_ARG).to_string();
    let end = form.ends_at.format(DATE_ARG).to_string();
    let mut notice = Notice::new(
        Kind::Phase,
        format!("phase:{}:{}:{start}:{end}", process.id, form.kind),
    )
    .arg("title", process.title.clone())
    .arg("phase", form.kind.clone())
    .arg("start", start)
    .arg("end", end)
    .arg("link", format!("/processes/{}", process.slug));
    notice.process_id = Some(process.id.clone());
    let people = followers(conn, Target::Process, &process.id)?;
    raise(conn, &people, Some(actor_id), &notice)?;
    Ok(())
}

/// Results of a budget published for the first time: followers of its process hear of it.
pub fn results_published(
    conn: &mut AnyConnection,
    process_id: &str,
    process_slug: &str,
    budget: &Budget,
    actor_id: &str,
) -> Result<()> {
    let mut notice = Notice::new(Kind::Results, format!("results:{}", budget.id))
        .arg("title", budget.title.clone())
        .arg(
            "link",
            format!("/processes/{process_slug}/budgets/{}/results", budget.slug),
        );
    notice.process_id = Some(process_id.to_string());
    let people = followers(conn, Target::Process, process_id)?;
    raise(conn, &people, Some(actor_id), &notice)?;
    Ok(())
}

/// Moderation hid `proposal`: its author hears of it, with the reasons it was reported for.
/// Each hiding is an event (hidden, shown again, hidden again: told twice). What others were
/// told of it (answers, comments) leaves their lists and unread counts: it would lead them to a
/// page they may no longer see. Its author and staff keep theirs.
pub fn proposal_hidden(
    conn: &mut AnyConnection,
    proposal: &Proposal,
    reasons: &[String],
    actor_id: &str,
) -> Result<()> {
    let staff = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .select(users::id);
    let mut others = diesel::delete(notifications::table)
        .filter(notifications::proposal_id.eq(&proposal.id))
        .filter(diesel::dsl::not(notifications::user_id.eq_any(staff)))
        .into_boxed();
    if let Some(author) = &proposal.author_id {
        others = others.filter(notifications::user_id.ne(author));
    }
    others.execute(conn)?;
    let Some(author) = proposal.author_id.clone() else {
        return Ok(());
    };
    let stamp = now().and_utc().timestamp_micros();
    let notice = Notice::new(Kind::Hidden, format!("hidden:{}:{stamp}", proposal.id))
        .about_proposal(proposal)
        .arg("title", proposal.title.clone())
        .arg("reasons", reasons.join(","));
    raise(conn, &[author], Some(actor_id), &notice)?;
    Ok(())
}

/// An item was reported: staff hear of it once per item while it waits.
pub fn reported(
    conn: &mut AnyConnection,
    kind: &str,
    target_id: &str,
    proposal: &Proposal,
    reporter_id: &str,
) -> Result<()> {
    let staff: Vec<String> = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .select(users::id)
        .load(conn)?;
    let mut notice = Notice::new(Kind::Report, format!("report:{kind}:{target_id}"))
        .about_proposal(proposal)
        .arg("title", proposal.title.clone());
    if kind == "comment" {
        notice.comment_id = Some(target_id.to_string());
    }
    raise(conn, &staff, Some(reporter_id), &notice)?;
    Ok(())
}

/// A new proposal in a process: the process's followers hear of it (in their digest).
pub fn proposal_created(conn: &mut AnyConnection, proposal: &Proposal) -> Result<()> {
    let notice = Notice::new(Kind::Proposal, format!("proposal:{}", proposal.id))
        .about_proposal(proposal)
        .arg("title", proposal.title.clone());
    let people = followers(conn, Target::Process, &proposal.process_id)?;
    raise(conn, &people, proposal.author_id.as_deref(), &notice)?;
    Ok(())
}

/// A phase reached a date: it started (`vote-open` for a vote, else `phase-start`) or, for a
/// vote, ended (`vote-close`). The process's followers hear of it once per phase and date, so
/// the worker pass that notices it may run again, on any node.
pub fn phase_reached(
    conn: &mut AnyConnection,
    kind: Kind,
    process: &Process,
    phase_id: &str,
    phase_kind: &str,
    at: chrono::NaiveDateTime,
) -> Result<()> {
    let when = at.format(DATE_ARG).to_string();
    let mut notice = Notice::new(kind, format!("{}:{phase_id}:{when}", kind.as_str()))
        .arg("title", process.title.clone())
        .arg("phase", phase_kind)
        .arg("start", when.clone())
        .arg("end", when)
        .arg("link", format!("/processes/{}", process.slug));
    notice.process_id = Some(process.id.clone());
    let people = followers(conn, Target::Process, &process.id)?;
    raise(conn, &people, None, &notice)?;
    Ok(())
}

impl Notice {
    fn about_proposal(mut self, proposal: &Proposal) -> Notice {
        self.process_id = Some(proposal.process_id.clone());
        self.proposal_id = Some(proposal.id.clone());
        self
    }

    fn about_comment(mut self, comment: &Comment) -> Notice {
        self.comment_id = Some(comment.id.clone());
        self
    }
}
