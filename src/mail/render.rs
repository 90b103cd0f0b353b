//! A mail's two parts, HTML and plain text, from one [`Content`] written in the reader's
//! language: the same words in both, a link back to the town, and why the person gets it (with
//! the unsubscribe link when there is one). Templates: `templates/mail/message.{html,txt}`.

use askama::Template;

use crate::i18n::Tr;

/// The town a mail comes from: its name and public address (links are absolute).
#[derive(Debug, Clone)]
pub struct Town {
    pub name: String,
    /// The public address without a trailing slash (`Config::base`).
    pub base: String,
}

impl Town {
    pub fn of(config: &crate::config::Config) -> Town {
        Town {
            name: config.town_name.clone(),
            base: config.base(),
        }
    }

    /// An absolute URL for a path of this site.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// One line of text, with the address it links to (absolute), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub url: Option<String>,
}

impl Line {
    pub fn new(text: impl Into<String>, url: Option<String>) -> Line {
        Line {
            text: text.into(),
            url,
        }
    }
}

/// What a mail says, already translated. Every text is plain text (escaped in the HTML part).
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// The `Subject:` (line breaks are removed when queued).
    pub subject: String,
    /// The first line, as a heading.
    pub heading: String,
    /// Paragraphs under the heading.
    pub paragraphs: Vec<String>,
    /// A list of items (a digest's notifications), each with its link.
    pub items: Vec<Line>,
    /// The main link back (a button in HTML), e.g. "See the proposal".
    pub action: Option<Line>,
    /// Why the person gets this mail (the footer), e.g. "You follow this proposal."
    pub reason: String,
}

/// The two bodies of a mail.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct HtmlPart<'a> {
    lang: &'a str,
    town: &'a Town,
    c: &'a Content,
    footer: &'a Footer<'a>,
}

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct TextPart<'a> {
    c: &'a Content,
    footer: &'a Footer<'a>,
}

/// What ends every mail, in both bodies: the town, the settings link, the unsubscribe link.
struct Footer<'a> {
    town: String,
    settings_label: String,
    settings_url: String,
    /// The one-click URL (none for account mails).
    unsubscribe: Option<&'a str>,
    unsubscribe_label: String,
}

/// Renders `content` as HTML and text in `tr`'s language. `unsubscribe` is the one-click URL
/// (none for account mails).
pub fn render(tr: &Tr, town: &Town, content: &Content, unsubscribe: Option<&str>) -> Rendered {
    let footer = Footer {
        town: tr.t_with(
            "mail-footer-town",
            &[("town", town.name.clone()), ("url", town.base.clone())],
        ),
        settings_label: tr.t("mail-settings"),
        settings_url: town.url("/account"),
        unsubscribe,
        unsubscribe_label: tr.t("mail-unsubscribe"),
    };
    let html = HtmlPart {
        lang: tr.lang(),
        town,
        c: content,
        footer: &footer,
    }
    .render()
    .unwrap_or_default();
    let text = TextPart {
        c: content,
        footer: &footer,
    }
    .render()
    .unwrap_or_default();
    Rendered { html, text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::I18n;

    fn town() -> Town {
        Town {
            name: "Villeneuve".into(),
            base: "https://villeneuve.example".into(),
        }
    }

    #[test]
    fn both_parts_say_the_same_and_escape_html_in_the_html_part_only() {
        let content = Content {
            subject: "S".into(),
            heading: "Bonjour <b>Ana</b>".into(),
            paragraphs: vec!["Un & deux".into()],
            items: vec![Line::new("Item", Some("https://villeneuve.example/p/1".into()))],
            action: Some(Line::new("Voir", Some("https://villeneuve.example/p/1".into()))),
            reason: "Vous suivez".into(),
        };
        let r = render(
            &I18n::shared().tr("fr"),
            &town(),
            &content,
            Some("https://villeneuve.example/u/t"),
        );
        assert!(
            r.html.contains("Bonjour &#60;b&#62;Ana&#60;/b&#62;")
                || r.html.contains("Bonjour &lt;b&gt;Ana&lt;/b&gt;"),
            "{}",
            r.html
        );
        assert!(r.html.contains("lang=\"fr\""));
        assert!(r.text.contains("Bonjour <b>Ana</b>"));
        assert!(r.text.contains("Un & deux"));
        for part in [&r.html, &r.text] {
            assert!(part.contains("https://villeneuve.example/p/1"));
            assert!(part.contains("https://villeneuve.example/u/t"));
            assert!(part.contains("https://villeneuve.example/account"));
        }
    }

    #[test]
    fn account_mails_have_no_unsubscribe_link() {
        let content = Content {
            subject: "S".into(),
            heading: "H".into(),
            ..Content::default()
        };
        let tr = I18n::shared().tr("en");
        let r = render(&tr, &town(), &content, None);
        assert!(!r.text.contains(&tr.t("mail-unsubscribe")));
        assert!(!r.html.contains(&tr.t("mail-unsubscribe")));
    }
}
