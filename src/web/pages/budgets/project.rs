//! A budget project's own page: its description (Markdown, sanitised), cost, category, the
//! proposal it came from and its images and documents; linked from its ballot card.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use super::load;
use crate::domain::attachments::{self, OwnerKind};
use crate::domain::budgets::{cards, Budget, BudgetProject};
use crate::domain::processes::ProcessDetail;
use crate::domain::Error;
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::pages::gallery::Gallery;
use crate::web::pages::layout::Layout;
use crate::web::pages::render;

#[derive(Template)]
#[template(path = "budget_project.html")]
struct ProjectPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    budget: Budget,
    project: BudgetProject,
    /// The description rendered from Markdown and sanitised: safe to insert as it is.
    description_html: String,
    category: Option<String>,
    gallery: Gallery,
}

/// `GET /processes/{slug}/budgets/{budget}/projects/{project}`: a project of another budget,
/// or of an unpublished process (for all but staff), is not found.
pub(super) async fn show(
    ctx: Ctx,
    Path((slug, budget, project_id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let (detail, budget, _) = load(&ctx, slug, budget).await?;
    let budget_id = budget.id.clone();
    let (project, category, shown) = ctx
        .state
        .db
        .read(move |conn| {
            let project = cards::project_of(conn, &budget_id, &project_id)?;
            let category = cards::categories_of(conn, std::slice::from_ref(&project))?.remove(&project.id);
            let shown = attachments::of(conn, OwnerKind::Project, &project.id)?;
            Ok::<_, Error>((project, category, shown))
        })
        .await?;
    let description_html = crate::markdown::render(&project.description);
    let title = project.title.clone();
    let manage = ctx
        .is_staff()
        .then(|| format!("/attachments/project/{}", project.id));
    let gallery = Gallery::new(&ctx.tr, &shown, manage);
    Ok(render(&ProjectPage {
        layout: Layout::new(&ctx, title),
        detail,
        budget,
        project,
        description_html,
        category,
        gallery,
    }))
}
