//! A post in a process by someone of another server (a Lemmy user posting in the community):
//! a proposal, where the process takes proposals from anyone now.
//!
//! Lemmy sends its user's `Create(Page)` to the community's inbox. Where the process's rule for
//! proposals is `open` and its current phase takes proposals, the page becomes a proposal by
//! that person's remote account, announced to the other followers like any new proposal (never
//! back to the author's server, which has it). Elsewhere it is refused, and the `Group`
//! advertises `postingRestrictedToMods: true` so that Lemmy does not offer posting at all.

use activitypub_federation::config::Data;
use chrono::NaiveDateTime;

use super::actors::RemoteActor;
use super::error::FedError;
use super::inbound::{receive, remote_user, Received};
use super::outbox::{Event, Site};
use super::protocol::{Create, Object};
use super::{urls, FedState};
use crate::domain::eligibility::Rule;
use crate::domain::processes::{self as process_rules, Capability, ProcessDetail};
use crate::domain::proposals::{self as proposal_rules, ProposalForm};

/// Whether people of other servers may post proposals in this process now.
pub fn takes_fediverse_proposals(detail: &ProcessDetail, at: NaiveDateTime) -> bool {
    detail.process.rule_for(Capability::CreateProposal) == Rule::Open
        && detail.check(Capability::CreateProposal, at).is_ok()
}

/// The slug of the local process a page is posted in: its `audience`, else the first local
/// process among its recipients.
fn posted_in(site: &Site, page: &Object, create: &Create) -> Option<String> {
    let prefix = format!("{}/processes/", site.base);
    let slug = |id: &str| {
        let rest = id.strip_prefix(&prefix)?;
        (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string())
    };
    let audiences = [page.audience.id(), create.audience.id()].into_iter().flatten();
    let recipients = [&page.to, &page.cc, &create.to, &create.cc]
        .into_iter()
        .flat_map(|list| list.iter());
    audiences.chain(recipients).find_map(slug)
}

/// The Markdown of a post: its `source` when it has Markdown, else the text of its HTML.
fn markdown_of(page: &Object) -> String {
    if let Some(source) = &page.source {
        if source.media_type.as_deref() == Some("text/markdown") {
            if let Some(text) = &source.content {
                return text.clone();
            }
        }
    }
    crate::markdown::plain_text(page.content_html())
}

/// A remote person's `Create(Page)` in one of our processes.
pub async fn on_create_page(
    data: &Data<FedState>,
    site: Site,
    actor: RemoteActor,
    create: Create,
) -> Result<(), FedError> {
    let page = &create.object;
    let page_id = page.id.id_or_empty().to_string();
    if urls::host_of_str(&page_id) != actor.host {
        return Err(FedError::forbidden("object id is not on the actor's server"));
    }
    if !page.attributed_to.is(&actor.ap_id) {
        return Err(FedError::forbidden("the post is attributed to someone else"));
    }
    let slug = posted_in(&site, page, &create)
        .ok_or_else(|| FedError::not_found("the post is not in a process here"))?;
    let form = ProposalForm {
        title: crate::markdown::plain_text(page.name.as_deref().unwrap_or_default()),
        body: markdown_of(page),
        ..Default::default()
    };
    let received = Received::new(&create.id, &actor, "Create");
    receive(data, received, move |conn, effects| {
        let detail = process_rules::detail_by_slug(conn, &slug, false)?;
        if !takes_fediverse_proposals(&detail, crate::domain::now()) {
            return Err(FedError::forbidden(
                "this process does not take proposals from other servers now",
            ));
        }
        let user = remote_user(conn, &actor)?;
        let proposal = proposal_rules::create(conn, &detail, &user, &form)?;
        proposal_rules::set_origin(conn, &proposal.id, &page_id)?;
        effects.federate(Event::ProposalCreated(proposal.id));
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn site() -> Site {
        Site {
            base: "https://town.example".into(),
            domain: "town.example".into(),
            logo: None,
            locale: "en".into(),
        }
    }

    fn create() -> Create {
        serde_json::from_value(
            json!({ "id": "https://lemmy.example/a/1", "actor": "https://lemmy.example/u/d" }),
        )
        .unwrap()
    }

    fn page(json: serde_json::Value) -> Object {
        Object::from_json(json)
    }

    #[test]
    fn a_post_is_in_its_audience_or_else_the_first_local_process_it_is_sent_to() {
        let p = page(json!({ "audience": "https://town.example/processes/ideas" }));
        assert_eq!(posted_in(&site(), &p, &create()).as_deref(), Some("ideas"));
        let p = page(json!({ "to": ["https://lemmy.example/c/x", "https://town.example/processes/parks"] }));
        assert_eq!(posted_in(&site(), &p, &create()).as_deref(), Some("parks"));
        let p = page(json!({ "to": ["https://town.example/processes/parks/outbox"] }));
        assert_eq!(posted_in(&site(), &p, &create()), None);
    }

    #[test]
    fn a_post_keeps_its_markdown_source_else_the_text_of_its_html() {
        let p = page(
            json!({ "content": "<p>Hi</p>", "source": { "content": "**Hi**", "mediaType": "text/markdown" } }),
        );
        assert_eq!(markdown_of(&p), "**Hi**");
        assert_eq!(
            markdown_of(&page(json!({ "content": "<p>Hello there</p>" }))).trim(),
            "Hello there"
        );
    }
}
