//! Markdown written by people, rendered to HTML that is safe to show to others.

use pulldown_cmark::{Options, Parser};

/// Renders Markdown and removes anything that could run script or break the page
/// (raw HTML is sanitised by ammonia's allowlist; links get `rel="noopener noreferrer nofollow"`).
pub fn render(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(markdown, options));
    sanitize(&html)
}

/// Cleans HTML from an untrusted source (a user, or later a remote server).
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(html)
        .to_string()
}

/// A plain-text version for search and excerpts: lowercase, accents removed, spaces folded.
pub fn search_text(parts: &[&str]) -> String {
    use unicode_normalization::UnicodeNormalization;
    let joined = parts.join(" ");
    let folded: String = joined
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text without markup, for names and titles that come from other servers (shown escaped).
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

/// `text` cut to `max` characters at most, on a word boundary when there is one, with an
/// ellipsis to show that it was cut.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let on_word = match cut.rfind(' ') {
        // A word boundary too early would waste most of the room.
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => &cut[..],
    };
    format!("{}…", on_word.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_is_removed_and_formatting_kept() {
        let html = render("**Bold** <script>alert(1)</script> [x](javascript:alert(1))");
        assert!(html.contains("<strong>Bold</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn search_text_folds_accents_and_case() {
        assert_eq!(
            search_text(&["Élargir  la RUE", "Crèche"]),
            "elargir la rue creche"
        );
    }
}
