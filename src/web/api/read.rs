//! Public reads: processes, proposals, their history and comments.

use axum::extract::{Path, Query};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::domain::processes::{self, Capability, ProcessDetail};
use crate::domain::proposals::{self, ListQuery, Listed, Sort};
use crate::domain::{comments, endorsements, now, Error};
use crate::web::context::Ctx;
use crate::web::error::AppError;

/// A process with what its current phase allows (and why not, when it does not).
pub fn process_json(ctx: &Ctx, detail: &ProcessDetail) -> Value {
    let at = now();
    let capability = |c: Capability| match detail.check(c, at) {
        Ok(()) => json!({"allowed": true}),
        Err(msg) => json!({"allowed": false, "reason": ctx.tr.msg(&msg)}),
    };
    json!({
        "id": detail.process.id,
        "slug": detail.process.slug,
        "title": detail.process.title,
        "description": detail.process.description,
        "description_html": detail.process.description_html,
        "scope": detail.process.scope,
        "published": detail.process.published,
        "categories": detail.categories.iter().map(|c| json!({"id": c.id, "name": c.name})).collect::<Vec<_>>(),
        "phases": detail.phases,
        "current_phase": detail.phase_at(at).map(|p| p.kind.clone()),
        "now": {
            "proposals": capability(Capability::CreateProposal),
            "endorsements": capability(Capability::Endorse),
            "comments": capability(Capability::Comment),
        },
    })
}

pub async fn processes(ctx: Ctx) -> Result<Json<Value>, AppError> {
    let staff = ctx.is_staff();
    let list = ctx
        .state
        .db
        .read(move |conn| processes::list(conn, staff))
        .await?;
    Ok(Json(
        json!({"items": list.iter().map(|d| process_json(&ctx, d)).collect::<Vec<_>>()}),
    ))
}

pub async fn process(ctx: Ctx, Path(slug): Path<String>) -> Result<Json<Value>, AppError> {
    let detail = load_process(&ctx, slug).await?;
    Ok(Json(process_json(&ctx, &detail)))
}

pub async fn load_process(ctx: &Ctx, slug: String) -> Result<ProcessDetail, AppError> {
    Ok(crate::app::processes::view(&ctx.state, ctx.user.as_ref(), slug).await?)
}

/// A proposal and its process, if the caller may see them (hidden ones and drafts: staff only).
pub async fn load_proposal(ctx: &Ctx, id: String) -> Result<(ProcessDetail, Listed), AppError> {
    Ok(crate::app::proposals::view(&ctx.state, ctx.user.as_ref(), id).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListParams {
    sort: Option<String>,
    category: Option<String>,
    state: Option<String>,
    q: Option<String>,
    page: Option<i64>,
    /// Seed of the random order; defaults to the visitor's, so paging is stable either way.
    seed: Option<u32>,
}

#[derive(Serialize)]
pub struct ListBody {
    items: Vec<Listed>,
    total: i64,
    page: i64,
    pages: i64,
    sort: &'static str,
    seed: u32,
}

pub async fn proposals(
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<Json<ListBody>, AppError> {
    let sort = match params.sort.as_deref() {
        None | Some("") => Sort::Random,
        Some(text) => Sort::parse(text)
            .ok_or_else(|| Error::invalid("sort", crate::domain::Msg::new("api-error-sort")))?,
    };
    let seed = params.seed.unwrap_or_else(|| ctx.visitor_seed());
    let staff = ctx.is_staff();
    let query = ListQuery {
        sort,
        category_id: params.category.filter(|c| !c.is_empty()),
        state: params.state.filter(|s| !s.is_empty()),
        text: params.q.filter(|q| !q.trim().is_empty()),
        page: params.page.unwrap_or(1).max(1),
        seed,
        include_hidden: staff,
    };
    // The process and its page in one trip to the database.
    let page = ctx
        .state
        .db
        .read(move |conn| {
            let detail = processes::detail_by_slug(conn, &slug, staff)?;
            proposals::list(conn, &detail.process.id, &query)
        })
        .await?;
    // Serialized straight into the response (no `Value` tree built in between).
    Ok(Json(ListBody {
        items: page.items,
        total: page.total,
        page: page.page,
        pages: page.pages,
        sort: sort.as_str(),
        seed,
    }))
}

pub async fn proposal(ctx: Ctx, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let (detail, listed) = load_proposal(&ctx, id).await?;
    let endorsed = match ctx.user.as_ref() {
        Some(user) => {
            let (user_id, proposal_id) = (user.id.clone(), listed.proposal.id.clone());
            ctx.state
                .db
                .read(move |conn| {
                    endorsements::endorsed_by(conn, &user_id, std::slice::from_ref(&proposal_id))
                })
                .await?
                .contains(&listed.proposal.id)
        }
        None => false,
    };
    let mut value = serde_json::to_value(&listed).map_err(|_| Error::NotFound)?;
    value["process"] =
        json!({"id": detail.process.id, "slug": detail.process.slug, "title": detail.process.title});
    value["endorsed_by_me"] = json!(endorsed);
    Ok(Json(value))
}

pub async fn versions(ctx: Ctx, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let (_, listed) = load_proposal(&ctx, id).await?;
    let list = ctx
        .state
        .db
        .read(move |conn| proposals::versions(conn, &listed.proposal.id))
        .await?;
    Ok(Json(json!({"items": list})))
}

pub async fn comments(ctx: Ctx, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let (_, listed) = load_proposal(&ctx, id).await?;
    let staff = ctx.is_staff();
    let thread = ctx
        .state
        .db
        .read(move |conn| comments::thread(conn, &listed.proposal.id, staff))
        .await?;
    let items: Vec<Value> = thread
        .into_iter()
        .map(|item| {
            json!({
                "id": item.comment.id,
                "parent_id": item.comment.parent_id,
                "author_name": item.author_name,
                "body": item.comment.body,
                "body_html": item.comment.body_html,
                "stance": item.comment.stance,
                "hidden": item.comment.hidden,
                "depth": item.depth,
                "created_at": item.comment.created_at,
            })
        })
        .collect();
    Ok(Json(json!({"items": items})))
}
