//! Images and documents: the page where they are added and removed (`/attachments/{kind}/{id}`,
//! for a proposal's author and staff), the upload itself (read as it streams, cut off past the
//! size limit, nothing kept in memory beyond it and nothing written before the file is checked),
//! and the stored files (`/uploads/{id}/{size}`), served only to whoever may see their item.

use std::sync::Arc;

use askama::Template;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::layout::Layout;
use super::{render, see_other};
use crate::app::{self, AppState};
use crate::domain::attachments::{self, Attachment, Details, Owner, OwnerKind, Shown};
use crate::domain::{Error, FieldError, Msg};
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/attachments/{kind}/{owner}",
            // The upload enforces its own limit (the town's setting) while it streams.
            get(manage).post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/attachments/{kind}/{owner}/{id}/remove", post(remove))
        .route("/uploads/{id}/{size}", get(serve))
}

fn owner_kind(text: &str) -> Result<OwnerKind, AppError> {
    OwnerKind::parse(text).map_err(|_| AppError(Error::NotFound))
}

#[derive(Template)]
#[template(path = "attachments/manage.html")]
struct ManagePage<'a> {
    layout: Layout<'a>,
    owner: Owner,
    shown: Shown,
    alt_text: String,
    /// Why the last upload was refused (translated), shown above the form.
    error: Option<String>,
    alt_error: Option<String>,
    max_mb: usize,
}

impl ManagePage<'_> {
    fn size(&self, a: &Attachment) -> String {
        super::gallery::file_size(self.layout.tr, a.byte_size)
    }
}

async fn page(
    ctx: &Ctx,
    owner: Owner,
    alt_text: String,
    errors: &[FieldError],
    status: StatusCode,
) -> Result<Response, AppError> {
    let (_, shown) =
        app::attachments::view(&ctx.state, ctx.user.as_ref(), owner.kind, owner.id.clone()).await?;
    let message = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| ctx.tr.msg(&e.msg))
    };
    let title = ctx
        .tr
        .t_with("attachments-manage-title", &[("title", owner.title.clone())]);
    let mut response = render(&ManagePage {
        layout: Layout::new(ctx, title),
        error: message("file"),
        alt_error: message("alt"),
        owner,
        shown,
        alt_text,
        max_mb: ctx.state.config.upload_max_bytes / (1024 * 1024),
    });
    *response.status_mut() = status;
    Ok(response)
}

async fn manage(ctx: Ctx, Path((kind, owner_id)): Path<(String, String)>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let owner = app::attachments::manageable(&ctx.state, &user, owner_kind(&kind)?, owner_id).await?;
    page(&ctx, owner, String::new(), &[], StatusCode::OK).await
}

/// What arrived of the form.
enum Received {
    Whole(Details, Vec<u8>),
    TooLarge(Details),
    /// The body broke off or is not a form: nothing of it is trusted.
    Broken,
}

/// Reads the form: the `alt` text (short) and the `file`, chunk by chunk, up to `max` bytes.
/// Past that the reading stops at once: the rest of the upload is never taken in.
async fn receive(multipart: &mut Multipart, max: usize) -> Received {
    let mut details = Details::default();
    let mut file: Option<Vec<u8>> = None;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return broken_or_too_large(&e, details),
        };
        match field.name() {
            Some("file") => {
                details.file_name = field.file_name().unwrap_or_default().chars().take(300).collect();
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if bytes.len() + chunk.len() > max {
                                return Received::TooLarge(details);
                            }
                            bytes.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(e) => return broken_or_too_large(&e, details),
                    }
                }
                file = Some(bytes);
            }
            Some("alt") => {
                let mut text = Vec::new();
                while let Ok(Some(chunk)) = field.chunk().await {
                    if text.len() + chunk.len() > 4096 {
                        return Received::Broken;
                    }
                    text.extend_from_slice(&chunk);
                }
                details.alt_text = String::from_utf8_lossy(&text).into_owned();
            }
            _ => {}
        }
    }
    match file {
        Some(bytes) => Received::Whole(details, bytes),
        None => Received::Whole(details, Vec::new()),
    }
}

/// The parser reads ahead of what it hands out, as fast as the body comes: the body itself is cut
/// off a little past the limit, so that no more than that is ever taken in.
fn upload_body(request: Request, max: usize) -> Request {
    let (parts, body) = request.into_parts();
    let limited = http_body_util::Limited::new(body, max + FORM_OVERHEAD);
    Request::from_parts(parts, Body::new(limited))
}

/// Room for the form's boundaries, headers and alt text around the file.
const FORM_OVERHEAD: usize = 16 * 1024;

/// A broken body is a refusal of its own, unless it broke because it passed the limit.
fn broken_or_too_large(error: &axum::extract::multipart::MultipartError, details: Details) -> Received {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Received::TooLarge(details)
    } else {
        Received::Broken
    }
}

async fn upload(
    ctx: Ctx,
    Path((kind, owner_id)): Path<(String, String)>,
    request: Request,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    // Whoever may not add here is refused before a byte of the file is read.
    let owner = app::attachments::manageable(&ctx.state, &user, owner_kind(&kind)?, owner_id).await?;
    let max = ctx.state.config.upload_max_bytes;
    let Ok(mut multipart) = Multipart::from_request(upload_body(request, max), &()).await else {
        let errors = vec![FieldError {
            field: "file",
            msg: Msg::new("attachment-error-incomplete"),
        }];
        return page(&ctx, owner, String::new(), &errors, StatusCode::BAD_REQUEST).await;
    };
    let file_error = |msg: Msg| vec![FieldError { field: "file", msg }];
    let (details, bytes) = match receive(&mut multipart, max).await {
        Received::Whole(details, bytes) => (details, bytes),
        Received::TooLarge(details) => {
            let errors = file_error(Msg::new("attachment-error-too-large").arg("max", max / (1024 * 1024)));
            return page(
                &ctx,
                owner,
                details.alt_text,
                &errors,
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await;
        }
        Received::Broken => {
            let errors = file_error(Msg::new("attachment-error-incomplete"));
            return page(&ctx, owner, String::new(), &errors, StatusCode::BAD_REQUEST).await;
        }
    };
    if bytes.is_empty() {
        let errors = file_error(Msg::new("attachment-error-no-file"));
        return page(
            &ctx,
            owner,
            details.alt_text,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let alt = details.alt_text.clone();
    match app::attachments::add(&ctx.state, user, owner.kind, owner.id.clone(), details, bytes).await {
        Ok(_) => Ok(see_other(
            &format!("/attachments/{}/{}", owner.kind, owner.id),
            "attachment-added",
        )),
        Err(Error::Invalid(errors)) => {
            page(&ctx, owner, alt, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove(
    ctx: Ctx,
    Path((kind, owner_id, id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let owner = app::attachments::remove(&ctx.state, user, owner_kind(&kind)?, owner_id, id).await?;
    Ok(see_other(
        &format!("/attachments/{}/{}", owner.kind, owner.id),
        "attachment-removed",
    ))
}

/// Files never change under an id: a year in browsers; shared caches (a reverse proxy) ask
/// again after an hour, so an item hidden by moderation stops being served by them soon.
const PUBLIC_CACHE: &str = "public, max-age=31536000, s-maxage=3600, immutable";
/// What only staff may see is kept by no cache but the staff member's own browser.
const PRIVATE_CACHE: &str = "private, no-store";

/// One stored file, if the item it belongs to is visible to whoever asks.
async fn serve(
    ctx: Ctx,
    Path((id, size)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(path) = ctx.state.uploads.path(&id, &size) else {
        return Err(AppError(Error::NotFound));
    };
    let viewer = ctx.user.clone();
    let (attachment, public) = ctx
        .state
        .db
        .read(move |conn| {
            let a = attachments::find(conn, &id)?;
            let kind = OwnerKind::parse(&a.owner_kind).map_err(|_| Error::NotFound)?;
            attachments::visible_owner(conn, kind, &a.owner_id, viewer.as_ref())?;
            let public =
                viewer.is_none() || attachments::visible_owner(conn, kind, &a.owner_id, None).is_ok();
            Ok::<_, Error>((a, public))
        })
        .await?;
    if !attachment.has_size(&size) {
        return Err(AppError(Error::NotFound));
    }
    let etag = format!("\"{}-{}\"", attachment.id, size);
    let cache = if public { PUBLIC_CACHE } else { PRIVATE_CACHE };
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::warn!(attachment = %attachment.id, error = %e, "an attachment's file is missing");
                return Err(AppError(Error::NotFound));
            }
        };
        bytes.into_response()
    };
    let h = response.headers_mut();
    let value =
        |text: &str| HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
    h.insert(header::CONTENT_TYPE, value(&attachment.content_type));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::ETAG, value(&etag));
    // Even a browser that opened the file as a page would run nothing in it.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    h.insert(header::CONTENT_DISPOSITION, value(&disposition(&attachment)));
    Ok(response)
}

/// Images open in the browser; documents are downloaded, under their cleaned name (ASCII for
/// old clients, the exact name as RFC 5987 for the others).
fn disposition(a: &Attachment) -> String {
    let how = if a.is_image() { "inline" } else { "attachment" };
    let name = if a.file_name.is_empty() {
        format!("{}.pdf", a.id)
    } else {
        a.file_name.clone()
    };
    let ascii = crate::text::ascii_file_name(&name);
    let exact: String = url::form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{exact}")
}
