//! Staff pages of budgets: create a budget and its projects, export it, compare the rules on
//! the real ballots, publish the outcome.

use crate::app;
use crate::app::budgets::ImportForm;
use askama::Template;
use axum::extract::{Form, Path};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::super::layout::Layout;
use super::super::{fields_refused, render, see_other, unprocessable, FormErrors};
use super::{translate, SummaryItem};
use crate::budgeting::Outcome;
use crate::domain::budget_results::{self, COMPARED};
use crate::domain::budgets::{self, BallotType, Budget, BudgetForm, BudgetProject, ProjectForm};
use crate::domain::implementation::{self, Followed, UpdateForm};
use crate::domain::processes::{self, ProcessDetail};
use crate::domain::{Error, FieldError};
use crate::web::context::Ctx;
use crate::web::error::AppError;

/// One row of the comparison.
pub struct Compared {
    pub outcome: Outcome,
    pub name: String,
    pub declared: bool,
    pub percent_used: String,
    pub percent_represented: String,
}

#[derive(Template)]
#[template(path = "admin/budget_compare.html")]
struct ComparePage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    budget: Budget,
    rows: Vec<Compared>,
    ballots: i64,
    can_publish: bool,
}

pub async fn compare(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let staff = ctx.require_staff()?.clone();
    let key = ctx.state.config.secret_key.clone();
    let (detail, budget, outcomes, ballots) = ctx
        .state
        .db
        .read(move |conn| {
            let budget = budgets::find(conn, &id)?;
            let detail = processes::detail_by_id(conn, &budget.process_id)?;
            // Hidden tallies stay hidden from everyone, staff included, until the close.
            if !budget_results::tallies_visible(&budget, &detail, Some(&staff)) {
                return Err(Error::Forbidden(crate::domain::Msg::new("denied-tallies-hidden")));
            }
            let outcomes = budget_results::compare(conn, &key, &budget)?;
            let ballots = budgets::ballot_count(conn, &budget.id)?;
            Ok::<_, Error>((detail, budget, outcomes, ballots))
        })
        .await?;
    let declared = budget.rule();
    let rows = outcomes
        .into_iter()
        .zip(COMPARED)
        .map(|(outcome, rule)| Compared {
            name: format!(
                "{} ({})",
                ctx.tr.t(&format!("rule-{}", rule.name())),
                ctx.tr.t(&format!("utility-{}", rule.utility().name()))
            ),
            declared: rule == declared,
            percent_used: format!("{:.1}", outcome.percent_budget_used()),
            percent_represented: format!("{:.1}", outcome.percent_voters_represented()),
            outcome,
        })
        .collect();
    let can_publish = budget_results::vote_closed(&detail) && budget.published_outcome.is_none();
    let title = ctx
        .tr
        .t_with("compare-title", &[("budget", budget.title.clone())]);
    Ok(render(&ComparePage {
        layout: Layout::new(&ctx, title),
        detail,
        budget,
        rows,
        ballots,
        can_publish,
    }))
}

pub async fn publish(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let (process, budget) = app::budgets::publish(&ctx.state, &staff, id).await?;
    Ok(see_other(
        &format!("/processes/{process}/budgets/{budget}/results"),
        "budget-published",
    ))
}

/// One form field for `admin/generic_fields.html`.
pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub error: Option<String>,
}

/// Fields whose label needs a hint under it.
const HINTED: &[&str] = &[
    "slug",
    "amount",
    "currency",
    "min_choices",
    "max_choices",
    "points",
    "rule",
    "code",
    "cost",
    "proposal_id",
];

fn field(ctx: &Ctx, errors: &FormErrors, name: &'static str, kind: &'static str, value: &str) -> FieldView {
    let key = format!("budget-field-{}", name.replace('_', "-"));
    FieldView {
        name,
        label: ctx.tr.t(&key),
        hint: if HINTED.contains(&name) {
            ctx.tr.t(&format!("{key}-hint"))
        } else {
            String::new()
        },
        kind,
        value: value.to_string(),
        options: Vec::new(),
        required: matches!(name, "slug" | "amount" | "currency" | "code" | "cost"),
        error: errors.get(name).map(str::to_string),
    }
}

fn budget_fields(ctx: &Ctx, form: &BudgetForm, errors: &FormErrors) -> Vec<FieldView> {
    let mut ballot = field(ctx, errors, "ballot_type", "select", &form.ballot_type);
    ballot.options = BallotType::ALL
        .iter()
        .map(|t| (t.to_string(), ctx.tr.t(&format!("ballot-type-{t}"))))
        .collect();
    let mut rule = field(ctx, errors, "rule", "select", &form.rule);
    rule.options = ["greedy", "mes", "mes-add1", "max-utility"]
        .iter()
        .map(|r| (r.to_string(), ctx.tr.t(&format!("rule-{r}"))))
        .collect();
    vec![
        field(ctx, errors, "title", "text", &form.title),
        field(ctx, errors, "slug", "text", &form.slug),
        field(ctx, errors, "description", "textarea", &form.description),
        field(ctx, errors, "amount", "text", &form.amount),
        field(ctx, errors, "currency", "text", &form.currency),
        ballot,
        field(ctx, errors, "min_choices", "text", &form.min_choices),
        field(ctx, errors, "max_choices", "text", &form.max_choices),
        field(ctx, errors, "points", "text", &form.points),
        rule,
        field(
            ctx,
            errors,
            "live_tallies",
            "checkbox",
            if form.live_tallies.is_some() { "on" } else { "" },
        ),
    ]
}

#[derive(Template)]
#[template(path = "admin/budgets.html")]
struct BudgetsPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    budgets: Vec<Budget>,
    fields: Vec<FieldView>,
    summary: Vec<SummaryItem>,
    file_error: Option<String>,
    rules: [&'static str; 4],
}

impl BudgetsPage<'_> {
    fn file_error(&self) -> Option<&str> {
        self.file_error.as_deref()
    }

    fn rule_name(&self, rule: &str) -> String {
        self.layout.tr.t(&format!("rule-{rule}"))
    }
}

async fn budgets_page(
    ctx: &Ctx,
    process_id: String,
    form: BudgetForm,
    errors: &[FieldError],
) -> Result<Response, AppError> {
    let (detail, list) = ctx
        .state
        .db
        .read(move |conn| {
            let detail = processes::detail_by_id(conn, &process_id)?;
            let list = budgets::for_process(conn, &detail.process.id)?;
            Ok::<_, Error>((detail, list))
        })
        .await?;
    let (translated, mut summary) = translate(ctx, errors, "");
    // The import form's file field has its own id.
    for item in &mut summary {
        if item.anchor == "file" {
            item.anchor = "import-file".into();
        }
    }
    let title = ctx.tr.t_with(
        "admin-budgets-title",
        &[("process", detail.process.title.clone())],
    );
    Ok(render(&BudgetsPage {
        layout: Layout::new(ctx, title),
        fields: budget_fields(ctx, &form, &translated),
        file_error: translated.get("file").map(str::to_string),
        detail,
        budgets: list,
        summary,
        rules: ["greedy", "mes", "mes-add1", "max-utility"],
    }))
}

pub async fn list(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require_staff()?;
    let form = BudgetForm {
        currency: "EUR".into(),
        ballot_type: "approval".into(),
        rule: "mes-add1".into(),
        ..BudgetForm::default()
    };
    budgets_page(&ctx, id, form, &[]).await
}

pub async fn create(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<BudgetForm>,
) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let outcome = app::budgets::create(&ctx.state, &staff, id.clone(), form.clone()).await;
    budget_made(&ctx, id, outcome, "budget-saved", form).await
}

/// After a budget was made from the form or from a file: its page, with `notice`; or the
/// process's budgets again with what was refused and the form as sent.
async fn budget_made(
    ctx: &Ctx,
    process_id: String,
    outcome: Result<Budget, Error>,
    notice: &str,
    form: BudgetForm,
) -> Result<Response, AppError> {
    match fields_refused(outcome)? {
        Ok(budget) => Ok(see_other(&format!("/admin/budgets/{}", budget.id), notice)),
        Err(errors) => Ok(unprocessable(budgets_page(ctx, process_id, form, &errors).await?)),
    }
}

#[derive(Template)]
#[template(path = "admin/budget.html")]
struct BudgetAdminPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    budget: Budget,
    projects: Vec<BudgetProject>,
    ballots: i64,
    fields: Vec<FieldView>,
    summary: Vec<SummaryItem>,
    followed: Vec<Followed>,
    statuses: [&'static str; 5],
    /// The ballot file is offered only once the vote is over.
    ballots_sealed: bool,
}

impl BudgetAdminPage<'_> {
    fn status_name(&self, status: &str) -> String {
        self.layout.tr.t(&format!("status-{status}"))
    }

    fn ballot_type_name(&self) -> String {
        self.layout
            .tr
            .t(&format!("ballot-type-{}", self.budget.ballot_type))
    }

    fn rule_name(&self) -> String {
        self.layout.tr.t(&format!("rule-{}", self.budget.rule))
    }
}

async fn budget_page(
    ctx: &Ctx,
    budget_id: String,
    form: ProjectForm,
    errors: &[FieldError],
) -> Result<Response, AppError> {
    let (detail, budget, projects, ballots, followed, promotable) = ctx
        .state
        .db
        .read(move |conn| {
            let budget = budgets::find(conn, &budget_id)?;
            let detail = processes::detail_by_id(conn, &budget.process_id)?;
            let projects = budgets::projects(conn, &budget.id)?;
            let ballots = budgets::ballot_count(conn, &budget.id)?;
            let followed = implementation::followed(conn, &budget)?;
            let promotable = budgets::promotable(conn, &budget)?;
            Ok::<_, Error>((detail, budget, projects, ballots, followed, promotable))
        })
        .await?;
    let (translated, summary) = translate(ctx, errors, "");
    let mut proposal = field(
        ctx,
        &translated,
        "proposal_id",
        "select",
        form.proposal_id.as_deref().unwrap_or(""),
    );
    proposal.options = std::iter::once((String::new(), ctx.tr.t("budget-field-proposal-none")))
        .chain(promotable)
        .collect();
    let mut title = field(ctx, &translated, "title", "text", &form.title);
    title.hint = ctx.tr.t("budget-field-title-hint");
    let fields = vec![
        proposal,
        field(ctx, &translated, "code", "text", &form.code),
        title,
        field(ctx, &translated, "description", "textarea", &form.description),
        field(ctx, &translated, "cost", "text", &form.cost),
    ];
    let title = budget.title.clone();
    let ballots_sealed = budget_results::ballots_sealed(&detail);
    Ok(render(&BudgetAdminPage {
        ballots_sealed,
        layout: Layout::new(ctx, title),
        detail,
        budget,
        projects,
        ballots,
        fields,
        summary,
        followed,
        statuses: implementation::STATUSES,
    }))
}

pub async fn show(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require_staff()?;
    budget_page(&ctx, id, ProjectForm::default(), &[]).await
}

pub async fn add_project(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ProjectForm>,
) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let added = app::budgets::add_project(&ctx.state, &staff, id.clone(), form.clone()).await;
    match fields_refused(added)? {
        Ok(_) => Ok(see_other(&format!("/admin/budgets/{id}"), "project-added")),
        Err(errors) => Ok(unprocessable(budget_page(&ctx, id, form, &errors).await?)),
    }
}

/// The budget as a `.pb` file (staff): projects and ballots, once the vote is over.
pub async fn export(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require_staff()?;
    let key = ctx.state.config.secret_key.clone();
    let (slug, text) = ctx
        .state
        .db
        .read(move |conn| {
            let budget = budgets::find(conn, &id)?;
            let detail = processes::detail_by_id(conn, &budget.process_id)?;
            let (text, _) = budget_results::staff_ballot_log(conn, &key, &detail, &budget)?;
            Ok::<_, Error>((budget.slug, text))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{slug}.pb\""),
            ),
        ],
        text,
    )
        .into_response())
}

/// Records a dated implementation update on a funded project.
pub async fn add_update(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<UpdateForm>,
) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    app::budgets::add_update(&ctx.state, &staff, id.clone(), form).await?;
    Ok(see_other(&format!("/admin/budgets/{id}"), "update-added"))
}

/// Creates a budget from an uploaded `.pb` file (projects and ballots). A file with a mistake
/// is refused with the line it is on, and nothing is imported.
pub async fn import(
    ctx: Ctx,
    Path(id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let mut form = ImportForm::default();
    let mut file: Option<Vec<u8>> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or("").to_string();
        let Ok(bytes) = field.bytes().await else { break };
        match name.as_str() {
            "file" => file = Some(bytes.to_vec()).filter(|b| !b.is_empty()),
            "slug" => form.slug = String::from_utf8_lossy(&bytes).into_owned(),
            "title" => form.title = String::from_utf8_lossy(&bytes).into_owned(),
            "currency" => form.currency = String::from_utf8_lossy(&bytes).into_owned(),
            "rule" => form.rule = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    let file_error = |msg: crate::domain::Msg| vec![FieldError { field: "file", msg }];
    let election = match file.as_deref().map(|b| std::str::from_utf8(b)) {
        None => Err(file_error(crate::domain::Msg::new("error-required"))),
        Some(Err(_)) => Err(file_error(crate::domain::Msg::new("error-pb-not-text"))),
        Some(Ok(text)) => crate::budgeting::pabulib::parse_str(text)
            .map_err(|e| file_error(crate::domain::Msg::new("error-pb").arg("why", e))),
    };
    let election = match election {
        Ok(e) => e,
        Err(errors) => {
            let page = budgets_page(&ctx, id, BudgetForm::default(), &errors).await?;
            return Ok(unprocessable(page));
        }
    };
    let imported = app::budgets::import(&ctx.state, Some(&staff), id.clone(), form, election).await;
    budget_made(&ctx, id, imported, "budget-imported", BudgetForm::default()).await
}
