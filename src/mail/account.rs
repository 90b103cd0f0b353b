//! Account mails: the link that confirms an address, the password reset link, and the two
//! mails of an address change (the link to the new address, the notice to the old one). They
//! carry no unsubscribe link: a person cannot opt out of securing their own account. Each is
//! written in the account's language and queued in the caller's transaction.

use super::render::Town;
use super::{queue, Content, Line, Mail};
use crate::app::AppState;
use crate::db::AnyConnection;
use crate::domain::accounts::User;
use crate::domain::Result;
use crate::i18n::Tr;

/// Kinds of account mail, as staff see them at `/admin/mail`.
pub mod kinds {
    pub const CONFIRM_EMAIL: &str = "confirm-email";
    pub const PASSWORD_RESET: &str = "password-reset";
    pub const CHANGE_EMAIL: &str = "change-email";
    pub const EMAIL_CHANGE_NOTICE: &str = "email-change-notice";
}

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

    /// The link that confirms `user`'s address (`secret`: the token of the link).
    pub fn confirm_address(
        &self,
        conn: &mut AnyConnection,
        user: &User,
        to: &str,
        secret: &str,
    ) -> Result<()> {
        let tr = self.tr(user);
        let content = Content {
            subject: tr.t_with("mail-confirm-subject", &[self.town_arg()]),
            heading: tr.t("mail-confirm-heading"),
            paragraphs: vec![tr.t_with("mail-confirm-body", &[self.town_arg()])],
            items: vec![],
            action: Some(self.link(&tr, "mail-confirm-action", "/email/confirm", secret)),
            reason: tr.t_with("mail-account-reason", &[self.town_arg()]),
        };
        self.send(conn, &tr, user, to, kinds::CONFIRM_EMAIL, secret, &content)
    }

    /// The link that sets a new password.
    pub fn password_reset(
        &self,
        conn: &mut AnyConnection,
        user: &User,
        to: &str,
        secret: &str,
    ) -> Result<()> {
        let tr = self.tr(user);
        let content = Content {
            subject: tr.t_with("mail-reset-subject", &[self.town_arg()]),
            heading: tr.t("mail-reset-heading"),
            paragraphs: vec![tr.t("mail-reset-body"), tr.t("mail-reset-ignore")],
            items: vec![],
            action: Some(self.link(&tr, "mail-reset-action", "/password/reset", secret)),
            reason: tr.t_with("mail-account-reason", &[self.town_arg()]),
        };
        self.send(conn, &tr, user, to, kinds::PASSWORD_RESET, secret, &content)
    }

    /// The link, mailed to the new address, that moves the account there.
    pub fn change_address(
        &self,
        conn: &mut AnyConnection,
        user: &User,
        to: &str,
        secret: &str,
    ) -> Result<()> {
        let tr = self.tr(user);
        let args = [self.town_arg(), ("username", user.username.clone())];
        let content = Content {
            subject: tr.t_with("mail-change-new-subject", &[self.town_arg()]),
            heading: tr.t("mail-change-new-heading"),
            paragraphs: vec![tr.t_with("mail-change-new-body", &args)],
            items: vec![],
            action: Some(self.link(&tr, "mail-change-new-action", "/email/change", secret)),
            reason: tr.t_with("mail-account-reason", &[self.town_arg()]),
        };
        self.send(conn, &tr, user, to, kinds::CHANGE_EMAIL, secret, &content)
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

    fn link(&self, tr: &Tr, label: &str, path: &str, secret: &str) -> Line {
        Line::new(
            tr.t(label),
            Some(self.town.url(&format!("{path}?token={secret}"))),
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
