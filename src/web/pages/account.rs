//! The person's own account: language, data download, API tokens, deletion (the address
//! change form posts to `address`).

use std::sync::Arc;

use askama::Template;
use axum::extract::Form;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::layout::Layout;
use super::{render, see_other, FormErrors};
use crate::app::{self, AppState};
use crate::domain::notifications::Frequency;
use crate::domain::{export, Error};
use crate::web::context::{set_cookie, Ctx, SESSION_COOKIE};
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/account", get(show))
        .route("/account/locale", post(save_locale))
        .route("/account/export.json", get(download))
        .route("/account/tokens", post(create_token))
        .route("/account/delete", post(delete))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    layout: Layout<'a>,
    locale: String,
    /// A token just created, shown once.
    new_token: Option<String>,
    errors: FormErrors,
    /// The e-mail frequencies one may choose (`notifications::Frequency`).
    frequencies: Vec<&'static str>,
}

/// The account page, with a token just created and the errors of a refused form.
pub(super) fn page(ctx: &Ctx, new_token: Option<String>, errors: FormErrors) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    Ok(render(&AccountPage {
        layout: Layout::new(ctx, ctx.tr.t("account-title")),
        locale: user.locale.clone().unwrap_or_default(),
        new_token,
        errors,
        frequencies: Frequency::ALL.iter().map(|f| f.as_str()).collect(),
    }))
}

async fn show(ctx: Ctx) -> Result<Response, AppError> {
    page(&ctx, None, FormErrors::default())
}

#[derive(Deserialize)]
struct LocaleForm {
    #[serde(default)]
    locale: String,
}

async fn save_locale(ctx: Ctx, Form(form): Form<LocaleForm>) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let locale = Some(form.locale).filter(|l| !l.is_empty());
    app::accounts::set_locale(&ctx.state, user, locale).await?;
    Ok(see_other("/account", "settings-saved"))
}

/// Everything stored about the person, as a JSON file download.
async fn download(ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let data = ctx.state.db.read(move |c| export::export_user(c, &user)).await?;
    let body = serde_json::to_string_pretty(&data).unwrap_or_else(|_| "{}".into());
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"plenum-my-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    label: String,
}

async fn create_token(ctx: Ctx, Form(form): Form<TokenForm>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let label = form.label.trim().to_string();
    if label.is_empty() || label.chars().count() > 80 {
        let errors = [crate::domain::FieldError {
            field: "label",
            msg: crate::domain::Msg::new("error-too-long").arg("max", 80),
        }];
        let mut response = page(&ctx, None, FormErrors::new(&ctx.tr, &errors))?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let token = app::sessions::create_token(&ctx.state, &user, label).await?;
    let mut response = page(&ctx, Some(token), FormErrors::default())?;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, "no-store".parse().expect("static header"));
    Ok(response)
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(default)]
    password: String,
}

async fn delete(ctx: Ctx, Form(form): Form<DeleteForm>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    match app::accounts::delete(&ctx.state, &user, form.password).await {
        Ok(()) => {
            let mut response = see_other("/", "account-deleted");
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(&ctx.state, SESSION_COOKIE, "", 0));
            Ok(response)
        }
        Err(Error::Invalid(errors)) => {
            let mut response = page(&ctx, None, FormErrors::new(&ctx.tr, &errors))?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}
