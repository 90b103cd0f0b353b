//! Staff's census page: import (replace) the census, see who is verified and the conflicts,
//! verify a person seen at the town hall, revoke a verification.

use crate::app;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use super::super::layout::Layout;
use super::super::{render, see_other, unprocessable};
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

/// Replaces the census with an uploaded CSV. The upload is hashed line by line as it arrives:
/// the plaintext census never touches the disk (no temporary file to protect or leave behind).
/// A file with a malformed line, or an upload cut off before its end, changes nothing.
pub async fn import(ctx: Ctx, mut multipart: Multipart) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let key = ctx.state.config.secret_key.clone();
    // A few chunks in flight: the reader hashes while the next ones arrive.
    let (chunks, arriving) = tokio::sync::mpsc::channel::<Bytes>(4);
    let reading = tokio::task::spawn_blocking(move || {
        let mut input = ChunkReader::new(arriving);
        let census = census::read(&mut input, &key, |_| {});
        (census, input.received)
    });
    let complete = forward_file(&mut multipart, chunks).await;
    let (census, received) = reading
        .await
        .map_err(|e| AppError(Error::Db(crate::db::DbError::Task(e.to_string()))))?;
    if !complete {
        let page = show(&ctx, None, Some(ctx.tr.t("census-upload-incomplete"))).await?;
        return Ok(with_status(page, StatusCode::BAD_REQUEST));
    }
    if received == 0 {
        let page = show(&ctx, None, Some(ctx.tr.t("census-file-required"))).await?;
        return Ok(unprocessable(page));
    }
    let census = census?;
    let report = census.report.clone();
    if report.error_count > 0 {
        let page = show(&ctx, Some(report), None).await?;
        return Ok(unprocessable(page));
    }
    app::census::replace(&ctx.state, Some(&staff), census).await?;
    Ok(see_other("/admin/census", "census-imported"))
}

/// Sends the `file` field's bytes to the reader. False when the upload broke off (a dropped
/// connection, a body without its closing boundary): what arrived is then only part of the
/// census, and importing it would expire everyone missing from it.
async fn forward_file(multipart: &mut Multipart, chunks: tokio::sync::mpsc::Sender<Bytes>) -> bool {
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return true,
            Err(_) => return false,
        };
        if field.name() != Some("file") {
            continue;
        }
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    // The reader stops early on a file that is not text; the rest is not needed,
                    // but the upload must still be read to its end to know it was whole.
                    let _ = chunks.send(chunk).await;
                }
                Ok(None) => break,
                Err(_) => return false,
            }
        }
    }
}

/// The upload as a blocking `Read`, for the CSV reader on its own thread.
struct ChunkReader {
    arriving: tokio::sync::mpsc::Receiver<Bytes>,
    current: Bytes,
    received: usize,
}

impl ChunkReader {
    fn new(arriving: tokio::sync::mpsc::Receiver<Bytes>) -> ChunkReader {
        ChunkReader {
            arriving,
            current: Bytes::new(),
            received: 0,
        }
    }
}

impl std::io::Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.arriving.blocking_recv() {
                Some(chunk) => {
                    self.received += chunk.len();
                    self.current = chunk;
                }
                // The sender is gone: the upload ended (or the request was abandoned).
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.current.len());
        out[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

#[derive(Debug, Deserialize)]
pub struct PersonInput {
    username: String,
}

pub async fn verify_in_person(ctx: Ctx, Form(input): Form<PersonInput>) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    match app::census::verify_in_person(&ctx.state, &staff, input.username).await {
        Ok(()) => Ok(see_other("/admin/census", "census-verified")),
        Err(Error::NotFound) => {
            let page = show(&ctx, None, Some(ctx.tr.msg(&Msg::new("census-no-such-account")))).await?;
            Ok(unprocessable(page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke(ctx: Ctx, Form(input): Form<PersonInput>) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    match app::census::revoke(&ctx.state, &staff, input.username).await {
        Ok(_) => Ok(see_other("/admin/census", "census-revoked")),
        Err(Error::NotFound) => {
            let page = show(&ctx, None, Some(ctx.tr.msg(&Msg::new("census-no-such-account")))).await?;
            Ok(unprocessable(page))
        }
        Err(e) => Err(e.into()),
    }
}
