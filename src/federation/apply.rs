//! What an inbound activity does, once `inbox` has checked who sent it.
//!
//! As a followed town we answer `Follow`/`Undo(Follow)`, count `Like`/`Undo(Like)` under the
//! process's eligibility rule and take `Create(Note)` replies as comments. As a follower we
//! mirror what followed processes `Announce`, `Update` and `Delete`. Every activity id is recorded
//! in the same transaction as its effect, so a repeat is refused and nothing applies twice.

use std::sync::Arc;

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use axum::http::StatusCode;
use diesel::prelude::*;
use serde_json::Value;
use url::Url;

use super::actors::{self, RemoteActor};
use super::error::FedError;
use super::mirror::{self, RemoteProcess};
use super::outbox::{self, Event, Site};
use super::{urls, FedState};
use crate::app::AppState;
use crate::db::schema::{comments, followers, processes, received_activities, remote_actors, users};
use crate::db::AnyConnection;
use crate::domain::accounts::User;
use crate::domain::{
    comments as comment_rules, endorsements, new_id, now, processes as process_rules, proposals,
};

/// The id of an embedded object or a bare link.
pub fn id_of(value: &Value) -> Option<&str> {
    value.as_str().or_else(|| value["id"].as_str())
}

pub fn record_received(
    conn: &mut AnyConnection,
    id: &str,
    actor: &str,
    kind: &str,
) -> crate::domain::Result<()> {
    diesel::insert_into(received_activities::table)
        .values((
            received_activities::ap_id.eq(id),
            received_activities::actor_ap_id.eq(actor),
            received_activities::kind.eq(kind),
            received_activities::received_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn already_received(conn: &mut AnyConnection, id: &str) -> crate::domain::Result<bool> {
    Ok(received_activities::table
        .filter(received_activities::ap_id.eq(id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Applies one verified activity from `actor`.
pub async fn apply(data: &Data<FedState>, actor: RemoteActor, activity: Value) -> Result<(), FedError> {
    let kind = activity["type"].as_str().unwrap_or_default().to_string();
    let state = data.0.clone();
    let site = Site::of(&state.config);
    match kind.as_str() {
        "Follow" => on_follow(&state, site, actor, activity).await,
        "Undo" => on_undo(&state, site, actor, activity).await,
        "Like" => on_like(data, site, actor, activity).await,
        "Create" => on_create(data, site, actor, activity).await,
        "Accept" | "Reject" => on_accept(&state, actor, activity, kind == "Accept").await,
        "Announce" => on_announce(data, actor, activity).await,
        "Update" => on_update(data, actor, activity).await,
        "Delete" => on_delete(&state, actor, activity).await,
        // A report from another server's user: into the moderation queue.
        "Flag" => super::flag::on_flag(&state, site, actor, activity).await,
        // A vote against (Lemmy): shown apart, never an endorsement.
        "Dislike" => on_reaction(&state, site, actor, activity, crate::domain::reactions::AGAINST).await,
        // Any other type (Lemmy's `Add`, `Block`, Mastodon's `Move`…) passed the same
        // checks; it is acknowledged and ignored, as Mastodon does.
        _ => {
            tracing::info!(kind = %kind, activity = %activity["id"], "activity type we do not act on: ignored");
            Ok(())
        }
    }
}

/// The slug of a local process from its id, if the id is one of ours.
fn local_process_slug(site: &Site, id: &str) -> Option<String> {
    let prefix = format!("{}/processes/", site.base);
    let rest = id.strip_prefix(&prefix)?;
    (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string())
}

/// The id of a local proposal from its address, if it is one of ours.
fn local_proposal(site: &Site, id: &str) -> Option<String> {
    let rest = id.strip_prefix(&format!("{}/proposals/", site.base))?;
    (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string())
}

/// The id of a comment here from its address: ours (`/comments/{id}`), or the id a remote
/// comment arrived with.
fn local_comment(conn: &mut AnyConnection, site: &Site, id: &str) -> crate::domain::Result<Option<String>> {
    if let Some(local) = id.strip_prefix(&format!("{}/comments/", site.base)) {
        return Ok(Some(local.to_string()));
    }
    Ok(comments::table
        .filter(comments::ap_id.eq(id))
        .select(comments::id)
        .first(conn)
        .optional()?)
}

/// The local proposal an address names: one of ours, or the post on another server it came from.
fn named_proposal(conn: &mut AnyConnection, site: &Site, id: &str) -> crate::domain::Result<Option<String>> {
    match local_proposal(site, id) {
        Some(proposal) => Ok(Some(proposal)),
        None => proposals::by_origin(conn, id),
    }
}

/// The local proposal an address is about: the proposal itself, or the one a comment is under.
fn local_proposal_id(
    conn: &mut AnyConnection,
    site: &Site,
    id: &str,
) -> crate::domain::Result<Option<String>> {
    if let Some(proposal) = named_proposal(conn, site, id)? {
        return Ok(Some(proposal));
    }
    let Some(comment) = local_comment(conn, site, id)? else {
        return Ok(None);
    };
    Ok(comments::table
        .filter(comments::id.eq(comment))
        .select(comments::proposal_id)
        .first(conn)
        .optional()?)
}

async fn on_follow(
    state: &Arc<AppState>,
    site: Site,
    actor: RemoteActor,
    follow: Value,
) -> Result<(), FedError> {
    let object = id_of(&follow["object"]).unwrap_or_default().to_string();
    let slug = local_process_slug(&site, &object)
        .ok_or_else(|| FedError::new(StatusCode::NOT_FOUND, "only processes can be followed here"))?;
    let id = follow["id"].as_str().unwrap_or_default().to_string();
    state
        .db
        .write(move |conn| {
            let detail = process_rules::detail_by_slug(conn, &slug, false)?;
            record_received(conn, &id, &actor.ap_id, "Follow")?;
            let inbox = actor.delivery_inbox();
            diesel::delete(
                followers::table
                    .filter(followers::process_id.eq(&detail.process.id))
                    .filter(followers::actor_ap_id.eq(&actor.ap_id)),
            )
            .execute(conn)?;
            diesel::insert_into(followers::table)
                .values((
                    followers::process_id.eq(&detail.process.id),
                    followers::actor_ap_id.eq(&actor.ap_id),
                    followers::inbox.eq(&inbox),
                    followers::follow_ap_id.eq(&id),
                    followers::created_at.eq(now()),
                ))
                .execute(conn)?;
            // The Accept goes to the follower's own inbox: it is addressed to that actor.
            outbox::accept_follow(conn, &site, &detail.process.id, &follow, &actor.inbox)?;
            Ok::<_, FedError>(())
        })
        .await?;
    state.deliveries_queued.notify_waiters();
    Ok(())
}

async fn on_undo(state: &Arc<AppState>, site: Site, actor: RemoteActor, undo: Value) -> Result<(), FedError> {
    let inner = &undo["object"];
    let inner_kind = inner["type"].as_str().unwrap_or_default().to_string();
    if let Some(inner_actor) = id_of(&inner["actor"]) {
        if inner_actor != actor.ap_id {
            return Err(FedError::forbidden("an actor can only undo its own activities"));
        }
    }
    let inner_id = id_of(inner).unwrap_or_default().to_string();
    let inner_object = id_of(&inner["object"]).unwrap_or_default().to_string();
    let id = undo["id"].as_str().unwrap_or_default().to_string();
    let notify = state
        .db
        .write(move |conn| {
            record_received(conn, &id, &actor.ap_id, "Undo")?;
            let mut notify = false;
            match inner_kind.as_str() {
                "Follow" => {
                    diesel::delete(
                        followers::table
                            .filter(followers::actor_ap_id.eq(&actor.ap_id))
                            .filter(
                                followers::follow_ap_id
                                    .eq(&inner_id)
                                    .or(followers::process_id.eq_any(
                                        processes::table
                                            .filter(processes::slug.eq(
                                                local_process_slug(&site, &inner_object).unwrap_or_default(),
                                            ))
                                            .select(processes::id),
                                    )),
                            ),
                    )
                    .execute(conn)?;
                }
                "Announce" | "Dislike" => {
                    let user = remote_user(conn, &actor)?;
                    let kind = if inner_kind == "Announce" {
                        crate::domain::reactions::SHARE
                    } else {
                        crate::domain::reactions::AGAINST
                    };
                    let proposal_id = match local_proposal_id(conn, &site, &inner_object)? {
                        Some(p) => Some(p),
                        None => crate::domain::reactions::proposal_of(conn, &inner_id)?.map(|(p, _)| p),
                    };
                    if let Some(proposal_id) = proposal_id {
                        notify = withdraw_reaction(conn, &site, &user, proposal_id, kind)?;
                    }
                }
                // A `Like`, or an activity named by id only: a reaction if we recorded one
                // under that id, else an endorsement.
                "Like" | "" => {
                    let user = remote_user(conn, &actor)?;
                    if let Some((proposal_id, kind)) = crate::domain::reactions::proposal_of(conn, &inner_id)?
                    {
                        return withdraw_reaction(conn, &site, &user, proposal_id, &kind);
                    }
                    let target = match local_proposal_id(conn, &site, &inner_object)? {
                        Some(p) => Some(p),
                        // `Undo` of a `Like` given by id only: find the endorsement it made.
                        None => endorsements::proposal_of_like(conn, &inner_id)?,
                    };
                    if let Some(proposal_id) = target {
                        let proposal = proposals::find(conn, &proposal_id)?;
                        let detail = process_rules::detail_by_id(conn, &proposal.process_id)?;
                        if endorsements::unendorse(conn, &detail, &proposal, &user)? {
                            outbox::after(conn, &site, Event::CountsChanged(proposal_id))?;
                            notify = true;
                        } else {
                            // Lemmy undoes a downvote too with `Undo(Like)` (a fresh `Like`
                            // of the post inside): without an endorsement, it is the vote against.
                            let kind = crate::domain::reactions::AGAINST;
                            notify = withdraw_reaction(conn, &site, &user, proposal_id, kind)?;
                        }
                    }
                }
                _ => {}
            }
            Ok::<_, FedError>(notify)
        })
        .await?;
    if notify {
        state.deliveries_queued.notify_waiters();
    }
    Ok(())
}

/// Withdraws a share or a vote against; followers get the new counts. Returns whether there
/// was one.
fn withdraw_reaction(
    conn: &mut AnyConnection,
    site: &Site,
    user: &User,
    proposal_id: String,
    kind: &str,
) -> Result<bool, FedError> {
    if crate::domain::reactions::remove(conn, &proposal_id, user, kind)? {
        outbox::after(conn, site, Event::CountsChanged(proposal_id))?;
        return Ok(true);
    }
    Ok(false)
}

/// The account standing for a remote person here, made on their first action.
pub fn remote_user(conn: &mut AnyConnection, actor: &RemoteActor) -> crate::domain::Result<User> {
    match known_remote_user(conn, actor)? {
        Some(user) => Ok(user),
        None => create_remote_user(conn, actor),
    }
}

/// The account already standing for a remote person, if they acted here before. Read before
/// the write (with the proposal and its process), so that the single writer does less.
fn known_remote_user(conn: &mut AnyConnection, actor: &RemoteActor) -> crate::domain::Result<Option<User>> {
    let Some(user_id) = &actor.local_user_id else {
        return Ok(None);
    };
    match crate::domain::accounts::find(conn, user_id) {
        Ok(user) => Ok(Some(user)),
        Err(crate::domain::Error::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

fn create_remote_user(conn: &mut AnyConnection, actor: &RemoteActor) -> crate::domain::Result<User> {
    let base_name = format!("{}@{}", actor.preferred_username, actor.host).to_lowercase();
    let mut username = base_name.clone();
    let mut n = 1;
    while users::table
        .filter(users::username.eq(&username))
        .count()
        .get_result::<i64>(conn)?
        > 0
    {
        n += 1;
        username = format!("{base_name}~{n}");
    }
    let id = new_id();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::username.eq(&username),
            users::display_name.eq(&actor.name),
            users::role.eq(crate::domain::accounts::ROLE_REMOTE),
            users::blocked.eq(false),
            users::created_at.eq(now()),
        ))
        .execute(conn)?;
    diesel::update(remote_actors::table.filter(remote_actors::ap_id.eq(&actor.ap_id)))
        .set(remote_actors::local_user_id.eq(&id))
        .execute(conn)?;
    crate::domain::accounts::find(conn, &id)
}

/// The class a remote endorsement counts in, by the process's rule.
pub fn class_for(rule: &actors::Eligibility, actor_host: &str) -> &'static str {
    match rule.rule.as_str() {
        "open" => endorsements::CLASS_OPEN,
        "peers" if rule.peer_hosts.iter().any(|h| h == actor_host) => endorsements::CLASS_PEER,
        _ => endorsements::CLASS_FEDERATED,
    }
}

/// Under a `peers` rule, the attestation a `Like` carries: checked against the issuing town's
/// key, fetched from its instance actor. Returns the issuing host when it checks out.
async fn attested_host(
    data: &Data<FedState>,
    actor: &RemoteActor,
    like: &Value,
    peer_hosts: &[String],
) -> Result<String, FedError> {
    let attestation = like.get("residency");
    let issuer_doc = match attestation
        .and_then(|a| a["issuer"].as_str())
        .and_then(|i| Url::parse(i).ok())
    {
        // Only the actor's own server may vouch for it; anything else is refused below, unfetched.
        Some(issuer) if urls::host_of(&issuer) == actor.host => {
            fetch_object_http::<FedState, Value>(&issuer, data)
                .await
                .ok()
                .map(|r| r.object)
        }
        _ => None,
    };
    super::attestation::check(
        attestation,
        &actor.ap_id,
        issuer_doc.as_ref(),
        peer_hosts,
        chrono::Utc::now(),
    )
    .map(|()| actor.host.clone())
    .map_err(|refusal| FedError::forbidden(format!("not counted as a peer-town resident: {refusal}")))
}

async fn on_like(data: &Data<FedState>, site: Site, actor: RemoteActor, like: Value) -> Result<(), FedError> {
    let state = data.0.clone();
    let object = id_of(&like["object"]).unwrap_or_default().to_string();
    let id = like["id"].as_str().unwrap_or_default().to_string();
    // Everything that can be read is read first, outside the single writer: the proposal, its
    // process (whose rule decides the class) and the remote account if there is one. Under
    // `peers` the attestation is checked before the write too (it may need a fetch).
    let (site_, actor_) = (site.clone(), actor.clone());
    let (proposal, detail, known_user) = state
        .db
        .read(move |conn| {
            let proposal_id = named_proposal(conn, &site_, &object)?
                .ok_or_else(|| FedError::new(StatusCode::NOT_FOUND, "only proposals can be endorsed here"))?;
            let proposal = proposals::find(conn, &proposal_id)?;
            let detail = process_rules::detail_by_id(conn, &proposal.process_id)?;
            Ok::<_, FedError>((proposal, detail, known_remote_user(conn, &actor_)?))
        })
        .await?;
    let rule = actors::Eligibility::of(&detail.process);
    let attested_by = if rule.rule == "peers" {
        Some(attested_host(data, &actor, &like, &rule.peer_hosts).await?)
    } else {
        None
    };
    state
        .db
        .write(move |conn| {
            record_received(conn, &id, &actor.ap_id, "Like")?;
            // The proposal as it is now (it may have been withdrawn or hidden since the read).
            let proposal = proposals::find(conn, &proposal.id)?;
            let user = match known_user {
                Some(user) => user,
                None => remote_user(conn, &actor)?,
            };
            // Under `peers` the attestation was checked above: its host is the actor's and a
            // listed peer, so the rule gives `peer`.
            let class = class_for(&rule, &actor.host);
            let endorsed = endorsements::endorse_as(conn, &detail, &proposal, &user, class, Some(&id))?;
            if endorsed {
                if let Some(host) = &attested_by {
                    endorsements::set_attested_by(conn, &id, host)?;
                }
            }
            // Lemmy turns a downvote into an upvote with a plain `Like`, no `Undo` first: one
            // vote per person, so the vote against goes.
            let switched = crate::domain::reactions::remove(
                conn,
                &proposal.id,
                &user,
                crate::domain::reactions::AGAINST,
            )?;
            if endorsed || switched {
                outbox::after(conn, &site, Event::CountsChanged(proposal.id))?;
            }
            Ok::<_, FedError>(())
        })
        .await?;
    state.deliveries_queued.notify_waiters();
    Ok(())
}

/// The object of an activity as we may trust it: embedded when it comes from the sender's own
/// server, otherwise fetched from its origin. `None` when it is one of ours.
async fn trusted_object(
    data: &Data<FedState>,
    sender: &RemoteActor,
    object: &Value,
) -> Result<Option<Value>, FedError> {
    let id = id_of(object).ok_or_else(|| FedError::bad("object without id"))?;
    let url = Url::parse(id).map_err(|_| FedError::bad("object id is not a URL"))?;
    let host = urls::host_of(&url);
    if host == data.config.domain() {
        return Ok(None);
    }
    if object.is_object() && host == sender.host {
        return Ok(Some(object.clone()));
    }
    let fetched = fetch_object_http::<FedState, Value>(&url, data).await?;
    Ok(Some(fetched.object))
}

async fn on_create(
    data: &Data<FedState>,
    site: Site,
    actor: RemoteActor,
    create: Value,
) -> Result<(), FedError> {
    let note = &create["object"];
    // A post in one of our processes by a person elsewhere (Lemmy): maybe a proposal.
    if note["type"].as_str() == Some("Page") && actor.kind != "Group" {
        return super::posted::on_create_page(data, site, actor, create).await;
    }
    // What a followed process publishes: signed results, or news for timelines.
    if note["type"].as_str() == Some("Document")
        || (actor.kind == "Group" && id_of(&note["inReplyTo"]).is_none())
    {
        return on_process_publication(data, actor, create).await;
    }
    let note_id = id_of(note).unwrap_or_default().to_string();
    if urls::host_of_str(&note_id) != actor.host {
        return Err(FedError::forbidden("object id is not on the actor's server"));
    }
    if id_of(&note["attributedTo"]) != Some(actor.ap_id.as_str()) {
        return Err(FedError::forbidden("the object is attributed to someone else"));
    }
    if note["type"].as_str() != Some("Note") {
        return Err(FedError::bad("only replies (Note) can be created here"));
    }
    let in_reply_to = id_of(&note["inReplyTo"]).unwrap_or_default().to_string();
    let text = comment_rules::RemoteText::from_html(note["content"].as_str().unwrap_or_default())?;
    let id = create["id"].as_str().unwrap_or_default().to_string();
    let state = data.0.clone();
    // One trip to the writer: a reply needs few reads, and a separate read trip (one more
    // hand-off between threads) cost more than it saved in the same run. The HTML was parsed
    // and sanitised above, outside it.
    state
        .db
        .write(move |conn| {
            let proposal_id = local_proposal_id(conn, &site, &in_reply_to)?
                .ok_or_else(|| FedError::new(StatusCode::NOT_FOUND, "the reply is not to a proposal here"))?;
            record_received(conn, &id, &actor.ap_id, "Create")?;
            let proposal = proposals::find(conn, &proposal_id)?;
            let detail = process_rules::detail_by_id(conn, &proposal.process_id)?;
            let user = remote_user(conn, &actor)?;
            // A reply to a comment stays in its thread.
            let parent = if in_reply_to.contains("/proposals/") {
                None
            } else {
                local_comment(conn, &site, &in_reply_to)?
            };
            let comment = comment_rules::add_remote(conn, &detail, &proposal, &user, text, parent, &note_id)?;
            outbox::after(conn, &site, Event::CommentCreated(comment.id))?;
            Ok::<_, FedError>(())
        })
        .await?;
    state.deliveries_queued.notify_waiters();
    Ok(())
}

/// A followed process published something: its signed budget results (checked against the
/// Ed25519 key in its actor's `assertionMethod`, and kept with the outcome of that check) or a
/// note for timelines (nothing to keep here).
async fn on_process_publication(
    data: &Data<FedState>,
    actor: RemoteActor,
    create: Value,
) -> Result<(), FedError> {
    let state = data.0.clone();
    let process = followed_process(&state, &actor).await?;
    let object = create["object"].clone();
    let object_id = id_of(&object).unwrap_or_default().to_string();
    if urls::host_of_str(&object_id) != actor.host
        || id_of(&object["attributedTo"]) != Some(actor.ap_id.as_str())
    {
        return Err(FedError::forbidden(
            "the process can only publish its own objects",
        ));
    }
    let id = create["id"].as_str().unwrap_or_default().to_string();
    let actor_id = actor.ap_id.clone();
    if object["type"].as_str() != Some("Document") {
        state
            .db
            .write(move |conn| record_received(conn, &id, &actor_id, "Create"))
            .await?;
        return Ok(());
    }
    let group: Value = fetch_object_http::<FedState, Value>(&actor.id_url, data)
        .await?
        .object;
    let verified = actors::proof_verifies(&group, &object, None);
    if !verified {
        tracing::warn!(results = %object_id, process = %actor.ap_id, "received results whose proof does not verify");
    }
    state
        .db
        .write(move |conn| {
            record_received(conn, &id, &actor_id, "Create")?;
            mirror::upsert_results(conn, &process, &object, verified)?;
            Ok::<_, FedError>(())
        })
        .await?;
    Ok(())
}

async fn followed_process(state: &Arc<AppState>, actor: &RemoteActor) -> Result<RemoteProcess, FedError> {
    let ap_id = actor.ap_id.clone();
    state
        .db
        .read(move |conn| mirror::find_process_by_ap_id(conn, &ap_id))
        .await?
        .ok_or_else(|| FedError::forbidden("we do not follow this actor"))
}

async fn on_accept(
    state: &Arc<AppState>,
    actor: RemoteActor,
    accept: Value,
    accepted: bool,
) -> Result<(), FedError> {
    let process = followed_process(state, &actor).await?;
    let follow_id = id_of(&accept["object"]).unwrap_or_default().to_string();
    if follow_id != process.follow_ap_id {
        return Err(FedError::bad("this is not an answer to our follow"));
    }
    let id = accept["id"].as_str().unwrap_or_default().to_string();
    let process_id = process.id.clone();
    state
        .db
        .write(move |conn| {
            record_received(
                conn,
                &id,
                &actor.ap_id,
                if accepted { "Accept" } else { "Reject" },
            )?;
            mirror::set_follow_state(conn, &process_id, if accepted { "accepted" } else { "rejected" })?;
            Ok::<_, FedError>(())
        })
        .await?;
    if accepted {
        // What the process already holds: read its outbox once, in the background.
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = super::follow::backfill(&state, &process).await {
                tracing::warn!(process = %process.ap_id, error = %e, "could not read the outbox of a followed process");
            }
        });
    }
    Ok(())
}

/// The name to show for the author of a mirrored object.
async fn author_name(data: &Data<FedState>, author: &str) -> String {
    let Ok(url) = Url::parse(author) else {
        return String::new();
    };
    match activitypub_federation::fetch::object_id::ObjectId::<RemoteActor>::from(url)
        .dereference(data)
        .await
    {
        Ok(actor) => format!("{} ({}@{})", actor.name, actor.preferred_username, actor.host),
        Err(e) => {
            tracing::info!(author, reason = %e, "could not fetch the author of a mirrored object");
            author.to_string()
        }
    }
}

/// Mirrors an object a followed process sent us (a proposal or a comment).
pub async fn mirror_object(
    data: &Data<FedState>,
    process: &RemoteProcess,
    object: Value,
) -> Result<(), FedError> {
    let kind = object["type"].as_str().unwrap_or_default().to_string();
    let author = id_of(&object["attributedTo"]).unwrap_or_default().to_string();
    // An object is written on its author's server: a process may relay a comment by a person
    // of a third server, but only as that server serves it (`trusted_object` fetched it from
    // there), never under a name it picked.
    let object_host = urls::host_of_str(id_of(&object).unwrap_or_default());
    if object_host.is_empty() || urls::host_of_str(&author) != object_host {
        return Err(FedError::forbidden(
            "the object's author is not on the server the object comes from",
        ));
    }
    let name = author_name(data, &author).await;
    let process = process.clone();
    let state = data.0.clone();
    match kind.as_str() {
        "Page" | "Article" => {
            if id_of(&object["audience"]) != Some(process.ap_id.as_str()) {
                return Err(FedError::forbidden("the proposal belongs to another process"));
            }
            state
                .db
                .write(move |conn| mirror::upsert_proposal(conn, &process, &object, &name))
                .await?;
        }
        "Note" => {
            let parent = id_of(&object["inReplyTo"]).unwrap_or_default().to_string();
            state
                .db
                .write(move |conn| {
                    // Only under a proposal of the process that sent it: a followed process
                    // cannot attach comments to another town's proposals.
                    match mirror::find_proposal_by_ap_id(conn, &parent)? {
                        Some(proposal) if proposal.remote_process_id == process.id => {
                            mirror::upsert_comment(conn, &proposal, &object, &name)?;
                            Ok(())
                        }
                        Some(_) => Err(FedError::forbidden(
                            "the comment answers a proposal of another process",
                        )),
                        None => Ok(()),
                    }
                })
                .await?;
        }
        _ => {}
    }
    Ok(())
}

/// A boost of one of our proposals, or a vote against it: recorded once per person, counted on
/// the proposal, sent to followers with the debounced counts.
async fn on_reaction(
    state: &Arc<AppState>,
    site: Site,
    actor: RemoteActor,
    activity: Value,
    kind: &'static str,
) -> Result<(), FedError> {
    let object = id_of(&activity["object"]).unwrap_or_default().to_string();
    let id = activity["id"].as_str().unwrap_or_default().to_string();
    state
        .db
        .write(move |conn| {
            let proposal_id = named_proposal(conn, &site, &object)?.ok_or_else(|| {
                FedError::new(
                    StatusCode::NOT_FOUND,
                    "only proposals can be boosted or voted on here",
                )
            })?;
            record_received(conn, &id, &actor.ap_id, kind)?;
            let proposal = proposals::find(conn, &proposal_id)?;
            if proposal.hidden {
                return Err(FedError::new(StatusCode::NOT_FOUND, "no such proposal"));
            }
            let user = remote_user(conn, &actor)?;
            let added = crate::domain::reactions::add(conn, &proposal, &user, kind, &id)?;
            // And an upvote into a downvote with a plain `Dislike`: the endorsement goes, where
            // the phase still lets endorsements change (after it they stay as counted).
            let switched = kind == crate::domain::reactions::AGAINST && {
                let detail = process_rules::detail_by_id(conn, &proposal.process_id)?;
                match endorsements::unendorse(conn, &detail, &proposal, &user) {
                    Ok(removed) => removed,
                    Err(crate::domain::Error::Forbidden(_)) => false,
                    Err(e) => return Err(e.into()),
                }
            };
            if added || switched {
                outbox::after(conn, &site, Event::CountsChanged(proposal_id))?;
            }
            Ok::<_, FedError>(())
        })
        .await?;
    state.deliveries_queued.notify_waiters();
    Ok(())
}

async fn on_announce(data: &Data<FedState>, actor: RemoteActor, announce: Value) -> Result<(), FedError> {
    let state = data.0.clone();
    // Someone boosting one of our proposals (a Mastodon user, say) is a share.
    let site = Site::of(&state.config);
    if id_of(&announce["object"]).is_some_and(|o| local_proposal(&site, o).is_some()) {
        return on_reaction(&state, site, actor, announce, crate::domain::reactions::SHARE).await;
    }
    let process = followed_process(&state, &actor).await?;
    let mut object = announce["object"].clone();
    // Announce(Create(x)) or Announce(Update(x)): what matters is x.
    if matches!(object["type"].as_str(), Some("Create" | "Update")) {
        object = object["object"].clone();
    }
    let id = announce["id"].as_str().unwrap_or_default().to_string();
    let actor_id = actor.ap_id.clone();
    if let Some(object) = trusted_object(data, &actor, &object).await? {
        mirror_object(data, &process, object).await?;
    }
    // Recorded once mirrored: a refused object leaves no trace (the mirror's upserts are
    // idempotent, so a copy racing this one changes nothing twice).
    state
        .db
        .write(move |conn| record_received(conn, &id, &actor_id, "Announce"))
        .await?;
    Ok(())
}

async fn on_update(data: &Data<FedState>, actor: RemoteActor, update: Value) -> Result<(), FedError> {
    let state = data.0.clone();
    let object = update["object"].clone();
    let object_id = id_of(&object).unwrap_or_default().to_string();
    if urls::host_of_str(&object_id) != actor.host {
        return Err(FedError::forbidden("object id is not on the actor's server"));
    }
    // Someone edited a reply they made here (Mastodon and Lemmy send Update(Note)).
    if object["type"].as_str() == Some("Note") && actor.kind != "Group" {
        return on_reply_edited(&state, actor, update).await;
    }
    let process = followed_process(&state, &actor).await?;
    let id = update["id"].as_str().unwrap_or_default().to_string();
    let actor_id = actor.ap_id.clone();
    if object_id == actor.ap_id {
        // The process itself changed (title, phases, eligibility).
        let inbox = process.inbox.clone();
        state
            .db
            .write(move |conn| {
                record_received(conn, &id, &actor_id, "Update")?;
                mirror::upsert_process(conn, &object, &inbox, None)?;
                Ok::<_, crate::domain::Error>(())
            })
            .await?;
        return Ok(());
    }
    mirror_object(data, &process, object).await?;
    state
        .db
        .write(move |conn| record_received(conn, &id, &actor_id, "Update"))
        .await?;
    Ok(())
}

/// A remote person edits their reply: the comment here takes the new (sanitised) text.
async fn on_reply_edited(state: &Arc<AppState>, actor: RemoteActor, update: Value) -> Result<(), FedError> {
    let note = update["object"].clone();
    let note_id = id_of(&note).unwrap_or_default().to_string();
    if id_of(&note["attributedTo"]).is_some_and(|a| a != actor.ap_id) {
        return Err(FedError::forbidden("the reply is attributed to someone else"));
    }
    let text = comment_rules::RemoteText::from_html(note["content"].as_str().unwrap_or_default())?;
    let id = update["id"].as_str().unwrap_or_default().to_string();
    state
        .db
        .write(move |conn| {
            let user_id = actor
                .local_user_id
                .clone()
                .ok_or_else(|| FedError::new(StatusCode::NOT_FOUND, "no reply of this actor here"))?;
            let comment_id = comment_rules::find_remote(conn, &note_id, &user_id)?
                .ok_or_else(|| FedError::new(StatusCode::NOT_FOUND, "no such reply here"))?;
            record_received(conn, &id, &actor.ap_id, "Update")?;
            comment_rules::edit_remote(conn, &comment_id, text)?;
            Ok::<_, FedError>(())
        })
        .await
}

async fn on_delete(state: &Arc<AppState>, actor: RemoteActor, delete: Value) -> Result<(), FedError> {
    let object_id = id_of(&delete["object"]).unwrap_or_default().to_string();
    if urls::host_of_str(&object_id) != actor.host {
        return Err(FedError::forbidden("object id is not on the actor's server"));
    }
    let id = delete["id"].as_str().unwrap_or_default().to_string();
    let process = {
        let ap_id = actor.ap_id.clone();
        state
            .db
            .read(move |conn| mirror::find_process_by_ap_id(conn, &ap_id))
            .await?
    };
    state
        .db
        .write(move |conn| {
            record_received(conn, &id, &actor.ap_id, "Delete")?;
            if let Some(process) = process {
                mirror::mark_proposal_deleted(conn, &process, &object_id)?;
            }
            // A remote person deleting their reply: hide it here.
            if let Some(user_id) = &actor.local_user_id {
                if let Some(comment_id) = comment_rules::find_remote(conn, &object_id, user_id)? {
                    comment_rules::set_hidden(conn, &comment_id, true)?;
                }
            }
            Ok::<_, FedError>(())
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, peers: &[&str]) -> actors::Eligibility {
        actors::Eligibility {
            rule: name.into(),
            peer_hosts: peers.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn remote_endorsements_count_by_the_process_rule() {
        assert_eq!(
            class_for(&rule("residents", &[]), "b.example"),
            endorsements::CLASS_FEDERATED
        );
        assert_eq!(
            class_for(&rule("peers", &["b.example"]), "b.example"),
            endorsements::CLASS_PEER
        );
        assert_eq!(
            class_for(&rule("peers", &["b.example"]), "c.example"),
            endorsements::CLASS_FEDERATED
        );
        assert_eq!(
            class_for(&rule("open", &[]), "mastodon.example"),
            endorsements::CLASS_OPEN
        );
    }

    #[test]
    fn ids_of_embedded_objects_and_links() {
        assert_eq!(
            id_of(&serde_json::json!("https://a.example/x")),
            Some("https://a.example/x")
        );
        assert_eq!(
            id_of(&serde_json::json!({"id": "https://a.example/y"})),
            Some("https://a.example/y")
        );
        assert_eq!(id_of(&serde_json::json!(42)), None);
    }

    #[test]
    fn results_verify_only_with_the_key_the_process_lists() {
        let key = crate::budgeting::proof::new_key();
        let method = "https://a.example/processes/p#ed25519-key";
        let document =
            serde_json::json!({"id": "https://a.example/r.json", "type": "Document", "ballots": 10});
        let signed = crate::budgeting::proof::sign(&document, &key, method, "2026-11-26T00:00:00Z");
        let group = serde_json::json!({"assertionMethod": [{
            "id": method,
            "type": "Multikey",
            "publicKeyMultibase": crate::budgeting::proof::public_multibase(&key.verifying_key()),
        }]});
        assert!(actors::proof_verifies(&group, &signed, None));
        let mut tampered = signed.clone();
        tampered["ballots"] = serde_json::json!(11);
        assert!(!actors::proof_verifies(&group, &tampered, None));
        let other = crate::budgeting::proof::new_key();
        let impostor = serde_json::json!({"assertionMethod": [{
            "id": method,
            "publicKeyMultibase": crate::budgeting::proof::public_multibase(&other.verifying_key()),
        }]});
        assert!(!actors::proof_verifies(&impostor, &signed, None));
        assert!(!actors::proof_verifies(&serde_json::json!({}), &signed, None));
    }
}
