//! Staff's view of federation: instance policy (open or allowlist, blocked and allowed hosts),
//! followed processes of other towns, followers of ours, who may act from elsewhere on each
//! process, and the delivery queue.

use crate::app;
use crate::app::peers::PeerPolicy;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::Form;
use diesel::prelude::*;
use serde::Deserialize;

use super::super::layout::Layout;
use super::super::{render, see_other};
use crate::db::schema::{followers, processes};
use crate::domain::eligibility::Rule;
use crate::domain::processes::RulesForm;
use crate::domain::{Error, FieldError, Msg};
use crate::federation::mirror::{self, RemoteProcess};
use crate::federation::policy;
use crate::federation::queue::{self, DeliveryRow};
use crate::web::context::Ctx;
use crate::web::error::AppError;

/// A local process and who may act on it from elsewhere.
pub struct ProcessRule {
    pub id: String,
    pub title: String,
    pub slug: String,
    /// (form field, current rule) per capability: propose, endorse (`rule`), comment, vote.
    pub rules: Vec<(&'static str, String)>,
    pub peer_hosts: String,
    pub followers: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/federation.html")]
struct FederationPage<'a> {
    layout: Layout<'a>,
    address_hint: String,
    allowlist: bool,
    peers: Vec<(String, String)>,
    followed: Vec<RemoteProcess>,
    rules: Vec<ProcessRule>,
    rule_names: &'static [Rule],
    counts: Vec<(String, i64)>,
    deliveries: Vec<DeliveryRow>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    error: Option<String>,
}

pub async fn page(ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Response, AppError> {
    ctx.require_staff()?;
    show(
        &ctx,
        q.error
            .map(|e| ctx.tr.t_with("federation-error", &[("reason", e)])),
    )
    .await
}

async fn show(ctx: &Ctx, error: Option<String>) -> Result<Response, AppError> {
    let (rules_state, followed, rules, counts, deliveries) = ctx
        .state
        .db
        .read(|conn| {
            let rules_state = policy::load(conn)?;
            let followed = mirror::list_processes(conn)?;
            let rows: Vec<crate::domain::processes::Process> = processes::table
                .order(processes::title.asc())
                .select(crate::domain::processes::Process::as_select())
                .load(conn)?;
            let mut rules = Vec::new();
            for p in rows {
                let per_capability = vec![
                    ("propose", p.eligibility_propose.clone()),
                    ("rule", p.eligibility.clone()),
                    ("comment", p.eligibility_comment.clone()),
                    ("vote", p.eligibility_vote.clone()),
                ];
                let (id, title, slug, peer_hosts) = (p.id, p.title, p.slug, p.peer_hosts);
                let followers: Vec<String> = followers::table
                    .filter(followers::process_id.eq(&id))
                    .order(followers::created_at.asc())
                    .select(followers::actor_ap_id)
                    .load(conn)?;
                rules.push(ProcessRule {
                    id,
                    title,
                    slug,
                    rules: per_capability,
                    peer_hosts,
                    followers,
                });
            }
            let counts = queue::counts(conn)?;
            let deliveries = queue::recent(conn, 50)?;
            Ok::<_, Error>((rules_state, followed, rules, counts, deliveries))
        })
        .await?;
    let mut peers: Vec<(String, String)> = rules_state
        .allowed
        .iter()
        .map(|h| (h.clone(), "allow".to_string()))
        .collect();
    peers.extend(
        rules_state
            .blocked
            .iter()
            .map(|h| (h.clone(), "block".to_string())),
    );
    Ok(render(&FederationPage {
        layout: Layout::new(ctx, ctx.tr.t("federation-title")),
        address_hint: ctx.tr.t_with(
            "federation-address-hint",
            &[("example", "budget-2026@town.example".to_string())],
        ),
        allowlist: rules_state.allowlist_mode,
        peers,
        followed,
        rules,
        rule_names: Rule::ALL,
        counts,
        deliveries,
        error,
    }))
}

#[derive(Debug, Deserialize)]
pub struct FollowInput {
    address: String,
}

pub async fn follow_process(ctx: Ctx, Form(input): Form<FollowInput>) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    match app::peers::follow(&ctx.state, &staff, input.address.clone()).await {
        Ok(_) => Ok(see_other("/admin/federation", "federation-followed")),
        Err(e) => {
            tracing::info!(address = %input.address, reason = %e, "could not follow a remote process");
            show(
                &ctx,
                Some(ctx.tr.t_with(
                    "federation-follow-failed",
                    &[
                        ("address", input.address.clone()),
                        ("reason", e.reason().to_string()),
                    ],
                )),
            )
            .await
        }
    }
}

pub async fn unfollow_process(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    app::peers::unfollow(&ctx.state, &staff, id).await.map_err(|e| {
        AppError(Error::Conflict(
            Msg::new("federation-error").arg("reason", e.reason().to_string()),
        ))
    })?;
    Ok(see_other("/admin/federation", "federation-saved"))
}

#[derive(Debug, Deserialize)]
pub struct ForwardInput {
    reason: String,
}

/// Staff forward a report about a mirrored proposal to the town it comes from.
pub async fn forward_report(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(input): Form<ForwardInput>,
) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    app::peers::forward_report(&ctx.state, &staff, id.clone(), input.reason).await?;
    Ok(see_other(
        &format!("/remote/proposals/{id}"),
        "federation-report-forwarded",
    ))
}

#[derive(Debug, Deserialize)]
pub struct PeerInput {
    host: String,
    /// `allow`, `block` or `remove`.
    policy: String,
}

pub async fn set_peer(ctx: Ctx, Form(input): Form<PeerInput>) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let choice = match input.policy.as_str() {
        "allow" => PeerPolicy::Allow,
        "block" => PeerPolicy::Block,
        "remove" => PeerPolicy::Remove,
        _ => return Err(AppError(Error::NotFound)),
    };
    app::peers::set_peer(&ctx.state, &staff, input.host, choice).await?;
    Ok(see_other("/admin/federation", "federation-saved"))
}

#[derive(Debug, Deserialize)]
pub struct ModeInput {
    mode: String,
}

pub async fn set_mode(ctx: Ctx, Form(input): Form<ModeInput>) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    app::peers::set_mode(&ctx.state, &staff, input.mode == "allowlist").await?;
    Ok(see_other("/admin/federation", "federation-saved"))
}

/// The rule per capability (`rule` is endorsing, the one federation applies to remote support);
/// a field left out keeps its current value.
#[derive(Debug, Deserialize)]
pub struct EligibilityInput {
    rule: Option<String>,
    propose: Option<String>,
    comment: Option<String>,
    vote: Option<String>,
    #[serde(default)]
    peer_hosts: String,
}

pub async fn set_eligibility(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(input): Form<EligibilityInput>,
) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let mut hosts = Vec::new();
    for part in input
        .peer_hosts
        .split([',', ' ', '\n', '\r'])
        .filter(|p| !p.trim().is_empty())
    {
        match policy::normalise_host(part) {
            Some(h) => hosts.push(h),
            None => {
                return Err(AppError(Error::Invalid(vec![FieldError {
                    field: "peer_hosts",
                    msg: Msg::new("federation-host-invalid"),
                }])))
            }
        }
    }
    let rules = RulesForm {
        endorse: input.rule,
        propose: input.propose,
        comment: input.comment,
        vote: input.vote,
        peer_hosts: hosts,
    };
    app::processes::set_rules(&ctx.state, &staff, id, rules).await?;
    Ok(see_other("/admin/federation", "federation-saved"))
}
