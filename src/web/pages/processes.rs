//! A process's public page: description, phases, and its proposals with filters and paging.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use std::collections::HashMap;

use super::gallery::{Gallery, Picture};
use super::layout::Layout;
use super::render;
use crate::app::AppState;
use crate::domain::attachments::{self, OwnerKind};
use crate::domain::processes::{self, Capability, Phase, ProcessDetail};
use crate::domain::proposals::{self, ListPage, ListQuery, Sort};
use crate::domain::{now, Error};
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/processes/{slug}", get(show))
}

/// The list's query string, as the filter form sends it.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: Option<i64>,
}

impl ListParams {
    /// The query string for another page of the same list.
    pub fn link_to_page(&self, page: i64) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("sort", &self.sort)
            .append_pair("category", &self.category)
            .append_pair("state", &self.state)
            .append_pair("q", &self.q)
            .append_pair("page", &page.to_string())
            .finish()
    }
}

#[derive(Template)]
#[template(path = "process.html")]
struct ProcessPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    current: Option<Phase>,
    /// Why a new proposal cannot be made now (translated), if it cannot.
    proposal_denial: Option<String>,
    list: ListPage,
    params: ListParams,
    sort: Sort,
    sorts: [Sort; 3],
    states: &'static [proposals::ProposalState],
    budgets: Vec<BudgetLine>,
    follow: super::follow::FollowBox,
    /// The first image of each listed proposal that has one, by proposal id.
    thumbs: HashMap<String, Picture>,
    /// The process's own images and documents.
    gallery: Gallery,
}

/// A budget on the process page, with how far its funded projects have got.
struct BudgetLine {
    budget: crate::domain::budgets::Budget,
    followed: Vec<crate::domain::implementation::Followed>,
    done: usize,
}

impl ProcessPage<'_> {
    fn category_name(&self, id: &Option<String>) -> String {
        id.as_deref()
            .and_then(|id| self.detail.category(id))
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }

    fn status_name(&self, status: &str) -> String {
        self.layout.tr.t(&format!("status-{status}"))
    }

    fn is_current(&self, phase: &Phase) -> bool {
        self.current.as_ref().is_some_and(|c| c.id == phase.id)
    }
}

/// The process as an ActivityPub `Group` (see `federation::actors::process_json`).
async fn actor(ctx: &Ctx, slug: String) -> Result<Response, AppError> {
    let body = crate::app::processes::actor(&ctx.state, slug).await?;
    Ok(crate::federation::routes::activity_json(&body))
}

async fn show(
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(params): Query<ListParams>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    if crate::federation::content::wants_activity_json(&headers) {
        return actor(&ctx, slug).await;
    }
    let staff = ctx.is_staff();
    let sort = Sort::parse(&params.sort).unwrap_or_default();
    let query = ListQuery {
        sort,
        category_id: Some(params.category.clone()).filter(|c| !c.is_empty()),
        state: Some(params.state.clone()).filter(|s| proposals::ProposalState::parse(s).is_ok()),
        text: Some(params.q.clone()).filter(|q| !q.trim().is_empty()),
        page: params.page.unwrap_or(1),
        seed: ctx.visitor_seed(),
        include_hidden: staff,
    };
    let (detail, list, budgets, images, shown) = ctx
        .state
        .db
        .read(move |conn| {
            let detail = processes::detail_by_slug(conn, &slug, staff)?;
            let list = proposals::list(conn, &detail.process.id, &query)?;
            let mut budgets = Vec::new();
            for budget in crate::domain::budgets::for_process(conn, &detail.process.id)? {
                let followed = crate::domain::implementation::followed(conn, &budget)?;
                let done = followed
                    .iter()
                    .filter(|f| f.latest().is_some_and(|u| u.status == "done"))
                    .count();
                budgets.push(BudgetLine {
                    budget,
                    followed,
                    done,
                });
            }
            // One query for the whole page of proposals, not one per card.
            let ids: Vec<String> = list.items.iter().map(|i| i.proposal.id.clone()).collect();
            let images = if attachments::any_proposal_image_in(conn, &detail.process.id)? {
                attachments::first_images(conn, OwnerKind::Proposal, &ids)?
            } else {
                HashMap::new()
            };
            let shown = attachments::of(conn, OwnerKind::Process, &detail.process.id)?;
            Ok::<_, Error>((detail, list, budgets, images, shown))
        })
        .await?;
    let at = now();
    let proposal_denial = match detail.check(Capability::CreateProposal, at) {
        Err(m) => Some(ctx.tr.msg(&m)),
        Ok(()) => super::eligibility_denial(&ctx, &detail, Capability::CreateProposal).await?,
    };
    let current = detail.phase_at(at).cloned();
    let follow = super::follow::FollowBox::new(&ctx, &detail.process.slug);
    let thumbs = images
        .iter()
        .map(|(id, a)| (id.clone(), Picture::thumb(a)))
        .collect();
    let manage = staff.then(|| format!("/attachments/process/{}", detail.process.id));
    let gallery = Gallery::new(&ctx.tr, &shown, manage);
    let page = render(&ProcessPage {
        layout: Layout::new(&ctx, detail.process.title.clone()).with_feed(
            super::feeds::process_feed_path(&detail.process.slug),
            ctx.tr.t("feed-link"),
        ),
        detail,
        current,
        proposal_denial,
        list,
        params,
        sort,
        sorts: Sort::ALL,
        states: proposals::ProposalState::ALL,
        budgets,
        follow,
        thumbs,
        gallery,
    });
    Ok(super::follow::allow_form_redirects_elsewhere(&ctx, page))
}
