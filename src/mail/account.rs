//! Account mails: the link that confirms an address, the password reset link, and the two
//! mails of an address change (the link to the new address, the notice to the old one). They
//! carry no unsubscribe link: a person cannot opt out of securing their own account. Each is
//! written in the account's language and queued in the caller's transaction.

use super::render::Town;
use super::{queue, Content, Line, Mail};
use crate::app::AppState;
use crate::db::AnyConnection;
use crate::domain::account_tokens::{self, Purpose};
use crate::domain::accounts::User;
use crate::domain::Result;
use crate::i18n::Tr;

/// Kinds of account mail, as staff see them at `/admin/mail`.
pub mod kinds {
    pub const CONFIRM_EMAIL: &str = "confirm-email";
    pub const PASSWORD_RESET: &str = "password-reset";
    pub const CHANGE_EMAIL: &str = "change-email";
    pub const EMAIL_CHANGE_NOTICE: &str = "email-change-notice";
    /// The kinds whose bodies carry a link that opens the account until it expires.
    pub const WITH_LINK: &[&str] = &[CONFIRM_EMAIL, PASSWORD_RESET, CHANGE_EMAIL];
}

/// What a mail with a link says: its kind and the translation keys of its parts.
struct LinkMail {
    kind: &'static str,
    subject: &'static str,
    heading: &'static str,
    paragraphs: &'static [&'static str],
    action: &'static str,
    /// The page the link opens, with `?token=` added.
    path: &'static str,
}

/// The link that confirms the address an account signed up with.
const CONFIRM: LinkMail = LinkMail {
    kind: kinds::CONFIRM_EMAIL,
    subject: "mail-confirm-subject",
    heading: "mail-confirm-heading",
    paragraphs: &["mail-confirm-body"],
    action: "mail-confirm-action",
    path: "/email/confirm",
};

/// The link that sets a new password.
const RESET: LinkMail = LinkMail {
    kind: kinds::PASSWORD_RESET,
    subject: "mail-reset-subject",
    heading: "mail-reset-heading",
    paragraphs: &["mail-reset-body", "mail-reset-ignore"],
    action: "mail-reset-action",
    path: "/password/reset",
};

/// The link, sent to a new address, that moves the account there.
const CHANGE: LinkMail = LinkMail {
    kind: kinds::CHANGE_EMAIL,
    subject: "mail-change-new-subject",
    heading: "mail-change-new-heading",
    paragraphs: &["mail-change-new-body"],
    action: "mail-change-new-action",
    path: "/email/change",
};

/// Writes the account mails of one town.
pub struct AccountMail {
    town: Town,
    i18n: std::sync::Arc<crate::i18n::I18n>,
    default_locale: String,
    zone: chrono_tz::Tz,
}

impl AccountMail {
    pub fn new(state: &AppState) -> AccountMail {
        AccountMail {
            town: Town::of(&state.config),
            i18n: state.i18n.clone(),
            default_locale: state.config.default_locale.clone(),
            zone: state.config.timezone,
        }
    }

    fn tr(&self, user: &User) -> Tr {
        self.i18n
            .tr(user.locale.as_deref().unwrap_or(&self.default_locale))
            .in_zone(self.zone)
    }

    fn town_arg(&self) -> (&'static str, String) {
        ("town", self.town.name.clone())
    }

    /// Issues a link of `purpose` for `user`, sent to `to`, and queues the mail that carries
    /// it. Returns the link's secret (the change notice keys on its digest).
    pub fn mail_link(
        &self,
        conn: &mut AnyConnection,
        user: &User,
        purpose: Purpose,
        to: &str,
    ) -> Result<String> {
        let secret = account_tokens::issue(conn, &user.id, purpose, to)?;
        let mail = match purpose {
            Purpose::Confirm => &CONFIRM,
            Purpose::Reset => &RESET,
            Purpose::ChangeEmail => &CHANGE,
        };
        let tr = self.tr(user);
        let args = [self.town_arg(), ("username", user.username.clone())];
        let url = self.town.url(&format!("{}?token={secret}", mail.path));
        let content = Content {
            subject: tr.t_with(mail.subject, &args),
            heading: tr.t(mail.heading),
            paragraphs: mail.paragraphs.iter().map(|key| tr.t_with(key, &args)).collect(),
            items: vec![],
            action: Some(Line::new(tr.t(mail.action), Some(url))),
            reason: tr.t_with("mail-account-reason", &args),
        };
        self.send(conn, &tr, user, to, mail.kind, &secret, &content)?;
        Ok(secret)
    }

    /// The notice to the old address that a change to `new_address` was asked, and what to do
    /// if it was not them. `secret` is the new address's link (only its digest is used, as key).
    pub fn change_notice(
        &self,
        conn: &mut AnyConnection,
        user: &User,
        old_address: &str,
        new_address: &str,
        secret: &str,
    ) -> Result<()> {
        let tr = self.tr(user);
        let args = [
            self.town_arg(),
            ("username", user.username.clone()),
            ("new", new_address.to_string()),
        ];
        let content = Content {
            subject: tr.t_with("mail-change-old-subject", &[self.town_arg()]),
            heading: tr.t("mail-change-old-heading"),
            paragraphs: vec![
                tr.t_with("mail-change-old-body", &args),
                tr.t("mail-change-old-not-you"),
            ],
            items: vec![],
            action: Some(Line::new(
                tr.t("mail-change-old-action"),
                Some(self.town.url("/password/forgot")),
            )),
            reason: tr.t_with("mail-account-reason", &[self.town_arg()]),
        };
        self.send(
            conn,
            &tr,
            user,
            old_address,
            kinds::EMAIL_CHANGE_NOTICE,
            secret,
            &content,
        )
    }

    /// Queues one mail; its key is the kind and the token's digest (never the token itself), so
    /// each link is mailed once.
    #[allow(clippy::too_many_arguments)]
    fn send(
        &self,
        conn: &mut AnyConnection,
        tr: &Tr,
        user: &User,
        to: &str,
        kind: &str,
        secret: &str,
        content: &Content,
    ) -> Result<()> {
        let key = format!("{kind}:{}", crate::domain::sessions::digest(secret));
        let mail = Mail::compose(
            tr,
            &self.town,
            to,
            Some(&user.display_name),
            Some(&user.id),
            kind,
            key,
            content,
            None,
        );
        queue(conn, &mail)?;
        Ok(())
    }
}
