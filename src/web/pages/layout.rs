//! What every page shares: header, navigation, language, footer.

use super::super::context::Ctx;
use crate::domain::accounts::User;
use crate::federation::content::escape;
use crate::i18n::Tr;

/// Passed to every template as `layout`.
pub struct Layout<'a> {
    pub tr: &'a Tr,
    pub title: String,
    pub user: Option<&'a User>,
    pub csrf: &'a str,
    pub town: &'a str,
    pub logo_url: Option<&'a str>,
    pub path: &'a str,
    /// A short confirmation shown at the top ("Your proposal is published").
    pub notice: Option<String>,
    /// The Atom feed of what the page shows, when it has one of its own (a process's): its path
    /// and title, announced in the head beside the town's feed.
    pub page_feed: Option<(String, String)>,
    /// The signed-in person's unread notifications, counted once per request (`Ctx`).
    pub unread: i64,
    /// While the signed-in person's address is unconfirmed: the banner's sentence (what they
    /// cannot do yet), above a button that mails the link again.
    pub confirm_banner: Option<String>,
}

/// Confirmations that a redirect may ask for with `?notice=...`.
const NOTICES: &[&str] = &[
    "signed-up",
    "signed-in",
    "two-factor-on",
    "two-factor-off",
    "signed-out",
    "proposal-created",
    "proposal-updated",
    "proposal-withdrawn",
    "endorsed",
    "unendorsed",
    "comment-added",
    "reported",
    "settings-saved",
    "process-saved",
    "phase-saved",
    "answer-saved",
    "moderation-done",
    "token-created",
    "account-deleted",
    "budget-published",
    "budget-saved",
    "budget-imported",
    "project-added",
    "update-added",
    "federation-followed",
    "federation-saved",
    "remote-endorsed",
    "remote-unendorsed",
    "remote-commented",
    "census-imported",
    "census-verified",
    "census-revoked",
    "census-self-verified",
    "notification-read",
    "following",
    "not-following",
    "attachment-added",
    "attachment-removed",
    "email-confirmed",
    "confirmation-sent",
    "email-change-sent",
    "email-changed",
    "password-reset",
];

/// The banner's sentence for a signed-in person whose address is not confirmed yet.
fn confirm_banner(ctx: &Ctx) -> Option<String> {
    let user = ctx
        .user
        .as_ref()
        .filter(|u| !u.email_confirmed() && !u.is_remote())?;
    let key = if ctx.state.config.require_email_confirmation {
        "confirm-banner-required"
    } else {
        "confirm-banner-optional"
    };
    Some(
        ctx.tr
            .t_with(key, &[("email", user.email.clone().unwrap_or_default())]),
    )
}

impl<'a> Layout<'a> {
    pub fn new(ctx: &'a Ctx, title: String) -> Layout<'a> {
        let notice = ctx
            .path
            .split_once('?')
            .and_then(|(_, query)| {
                url::form_urlencoded::parse(query.as_bytes())
                    .find(|(k, _)| k == "notice")
                    .map(|(_, v)| v.into_owned())
            })
            .and_then(|n| NOTICES.iter().find(|k| **k == n))
            .map(|key| ctx.tr.t(&format!("notice-{key}")));
        Layout {
            tr: &ctx.tr,
            title,
            user: ctx.user.as_ref(),
            csrf: &ctx.csrf,
            town: &ctx.state.config.town_name,
            logo_url: ctx.state.config.logo_url.as_deref(),
            path: &ctx.path,
            notice,
            page_feed: None,
            unread: ctx.unread,
            confirm_banner: confirm_banner(ctx),
        }
    }

    /// Announces `path` as this page's own Atom feed, titled `title`.
    pub fn with_feed(mut self, path: String, title: String) -> Layout<'a> {
        self.page_feed = Some((path, title));
        self
    }

    pub fn lang(&self) -> &'static str {
        self.tr.lang()
    }

    /// The day of `at` in a `<time>` element whose attribute keeps the exact moment, as HTML to
    /// place inside a translated sentence.
    pub fn date_html(&self, at: &chrono::NaiveDateTime) -> String {
        format!(
            "<time datetime=\"{}\">{}</time>",
            at.format("%Y-%m-%dT%H:%M:%SZ"),
            escape(&self.tr.date(at))
        )
    }

    /// The same for a moment another town wrote as text; a text that names none is shown as it
    /// is (escaped), not dropped.
    pub fn date_text_html(&self, text: &str) -> String {
        match crate::i18n::moment(text) {
            Some(at) => self.date_html(&at),
            None => escape(text),
        }
    }

    pub fn is_staff(&self) -> bool {
        self.user.is_some_and(User::is_admin)
    }

    /// The other language, for the switcher.
    pub fn other_lang(&self) -> &'static str {
        if self.tr.lang() == "fr" {
            "en"
        } else {
            "fr"
        }
    }
}
