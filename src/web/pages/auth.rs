//! Sign-up, sign-in (its second step is in `two_factor`), sign-out and the language switch.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Form, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::layout::Layout;
use super::{render, safe_next, see_other, FormErrors};
use crate::app::sessions::SignIn;
use crate::app::{self, AppState};
use crate::domain::accounts::NewAccount;
use crate::domain::{password, sessions, Error};
use crate::web::context::{set_cookie, Ctx, LANG_COOKIE, SESSION_COOKIE};
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/signup", get(signup_form).post(signup))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/locale", post(set_locale))
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage<'a> {
    layout: Layout<'a>,
    form: NewAccount,
    errors: FormErrors,
    min_chars: usize,
    recommended_chars: usize,
    next: String,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    pub(super) next: Option<String>,
}

async fn signup_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    render(&SignupPage {
        layout: Layout::new(&ctx, ctx.tr.t("signup-title")),
        form: NewAccount::default(),
        errors: FormErrors::default(),
        min_chars: password::MIN_CHARS,
        recommended_chars: password::RECOMMENDED_CHARS,
        next: safe_next(q.next.as_deref()),
    })
}

#[derive(Deserialize)]
struct SignupForm {
    #[serde(flatten)]
    account: NewAccount,
    next: Option<String>,
}

async fn signup(ctx: Ctx, Form(form): Form<SignupForm>) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref());
    match app::accounts::sign_up(&ctx.state, form.account.clone(), ctx.client.clone()).await {
        Ok(session) => Ok(with_session(&ctx, &session.secret, see_other(&next, "signed-up"))),
        Err(Error::Invalid(errors)) => {
            let mut account = form.account;
            account.password.clear();
            let mut response = render(&SignupPage {
                layout: Layout::new(&ctx, ctx.tr.t("signup-title")),
                form: account,
                errors: FormErrors::new(&ctx.tr, &errors),
                min_chars: password::MIN_CHARS,
                recommended_chars: password::RECOMMENDED_CHARS,
                next,
            });
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) fn with_session(ctx: &Ctx, secret: &str, mut response: Response) -> Response {
    let max_age = sessions::SESSION_LIFETIME.num_seconds();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&ctx.state, SESSION_COOKIE, secret, max_age),
    );
    response
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    layout: Layout<'a>,
    email: String,
    error: Option<String>,
    next: String,
}

async fn login_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    login_page(&ctx, String::new(), None, safe_next(q.next.as_deref()))
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn login(ctx: Ctx, Form(form): Form<LoginForm>) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref());
    let signed_in = app::sessions::sign_in(
        &ctx.state,
        form.email.clone(),
        form.password,
        ctx.client.clone(),
        ctx.session.clone(),
        ctx.visitor.clone(),
    )
    .await;
    match signed_in {
        Ok(SignIn::Done(session)) => {
            // Staff who must turn two-factor sign-in on are sent to do it first.
            let to = if app::two_factor::must_enrol(&ctx.state, &session.user, false) {
                super::two_factor::ENROL_PATH.to_string()
            } else {
                next
            };
            Ok(with_session(&ctx, &session.secret, see_other(&to, "signed-in")))
        }
        Ok(SignIn::NeedsCode { pending }) => Ok(super::two_factor::ask_code(&ctx, &pending, &next)),
        Err(Error::Forbidden(msg)) => {
            let response = login_page(&ctx, form.email, Some(ctx.tr.msg(&msg)), next);
            Ok(with_status(response, StatusCode::UNAUTHORIZED))
        }
        Err(e) => Err(e.into()),
    }
}

/// The sign-in form, with what the person typed and what went wrong.
pub(super) fn login_page(ctx: &Ctx, email: String, error: Option<String>, next: String) -> Response {
    render(&LoginPage {
        layout: Layout::new(ctx, ctx.tr.t("login-title")),
        email,
        error,
        next,
    })
}

fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

async fn logout(ctx: Ctx) -> Result<Response, AppError> {
    if let Some(secret) = ctx.session.clone() {
        app::sessions::sign_out(&ctx.state, secret).await?;
    }
    let mut response = see_other("/", "signed-out");
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&ctx.state, SESSION_COOKIE, "", 0));
    Ok(response)
}

#[derive(Deserialize)]
struct LocaleForm {
    lang: String,
    next: Option<String>,
}

async fn set_locale(ctx: Ctx, Form(form): Form<LocaleForm>) -> Result<Response, AppError> {
    if !crate::i18n::SUPPORTED.contains(&form.lang.as_str()) {
        return Err(Error::invalid("lang", crate::domain::Msg::new("error-locale")).into());
    }
    if let Some(user) = &ctx.user {
        app::accounts::set_locale(&ctx.state, user, Some(form.lang.clone())).await?;
    }
    let mut response = Redirect::to(&safe_next(form.next.as_deref())).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&ctx.state, LANG_COOKIE, &form.lang, 365 * 24 * 3600),
    );
    Ok(response)
}
