//! Staff's census page: import (replace) the census, see who is verified and the conflicts,
//! verify a person seen at the town hall, revoke a verification.

use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use super::super::layout::Layout;
use super::super::{render, see_other};
use super::with_status;
use crate::domain::census::{self, Event, ImportReport, Status};
use crate::domain::{Error, Msg};
use crate::web::context::Ctx;
use crate::web::error::AppError;

#[derive(Template)]
#[template(path = "admin/census.html")]
struct CensusPage<'a> {
    layout: Layout<'a>,
    status: Status,
    events: Vec<Event>,
    /// The report of an import that was refused, line by line (translated).
    report: Option<(ImportReport, Vec<(usize, String)>)>,
    error: Option<String>,
}

pub async fn page(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_staff()?;
    show(&ctx, None, None).await
}

async fn show(ctx: &Ctx, report: Option<ImportReport>, error: Option<String>) -> Result<Response, AppError> {
    let (status, events) = ctx
        .state
        .db
        .read(|conn| Ok::<_, Error>((census::status(conn)?, census::recent_events(conn, 50)?)))
        .await?;
    let report = report.map(|r| {
        let lines = r
            .errors
            .iter()
            .map(|(line, msg)| (*line, ctx.tr.msg(msg)))
            .collect();
        (r, lines)
    });
    Ok(render(&CensusPage {
        layout: Layout::new(ctx, ctx.tr.t("census-title")),
        status,
        events,
        report,
        error,
    }))
}

/// Replaces the census with an uploaded CSV. The upload is written to a temporary file and read
/// line by line; a file with a malformed line changes nothing.
pub async fn import(ctx: Ctx, mut multipart: Multipart) -> Result<Response, AppError> {
    let staff = ctx.require_staff()?.clone();
    let path = std::env::temp_dir().join(format!("plenum-census-{}.csv", crate::domain::new_id()));
    let mut received = 0usize;
    {
        use std::io::Write;
        let mut out = std::fs::File::create(&path)
            .map_err(|e| AppError(Error::Db(crate::db::DbError::Task(e.to_string()))))?;
        while let Ok(Some(mut field)) = multipart.next_field().await {
            if field.name() != Some("file") {
                continue;
            }
            while let Ok(Some(chunk)) = field.chunk().await {
                received += chunk.len();
                out.write_all(&chunk)
                    .map_err(|e| AppError(Error::Db(crate::db::DbError::Task(e.to_string()))))?;
            }
        }
    }
    if received == 0 {
        let _ = std::fs::remove_file(&path);
        let page = show(&ctx, None, Some(ctx.tr.t("census-file-required"))).await?;
        return Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let key = ctx.state.config.secret_key.clone();
    let read_path = path.clone();
    let census = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&read_path)
            .map_err(|e| Error::Db(crate::db::DbError::Task(e.to_string())))?;
        census::read(file, &key, |_| {})
    })
    .await
    .map_err(|e| AppError(Error::Db(crate::db::DbError::Task(e.to_string()))))?;
    let _ = std::fs::remove_file(&path);
    let census = census?;
    let report = census.report.clone();
    if report.error_count > 0 {
        let page = show(&ctx, Some(report), None).await?;
        return Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY));
    }
    ctx.state
        .db
        .write(move |conn| census::replace(conn, &census, Some(&staff)))
        .await?;
    Ok(see_other("/admin/census", "census-imported"))
}

#[derive(Debug, Deserialize)]
pub struct PersonInput {
    username: String,
}

pub async fn verify_in_person(ctx: Ctx, Form(input): Form<PersonInput>) -> Result<Response, AppError> {
    let staff = ctx.require_staff()?.clone();
    match ctx
        .state
        .db
        .write(move |conn| census::verify_in_person(conn, &staff, &input.username))
        .await
    {
        Ok(()) => Ok(see_other("/admin/census", "census-verified")),
        Err(Error::NotFound) => {
            let page = show(&ctx, None, Some(ctx.tr.msg(&Msg::new("census-no-such-account")))).await?;
            Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke(ctx: Ctx, Form(input): Form<PersonInput>) -> Result<Response, AppError> {
    let staff = ctx.require_staff()?.clone();
    match ctx
        .state
        .db
        .write(move |conn| census::revoke(conn, &staff, &input.username))
        .await
    {
        Ok(_) => Ok(see_other("/admin/census", "census-revoked")),
        Err(Error::NotFound) => {
            let page = show(&ctx, None, Some(ctx.tr.msg(&Msg::new("census-no-such-account")))).await?;
            Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}
