//! "Follow from your server": where to send a visitor so that their own fediverse server asks
//! them to follow one of our processes.
//!
//! The visitor types their handle (`@me@their.server`) or only their server. We ask that
//! server's WebFinger, about the account named, or for a server alone about the server's own
//! account (`acct:their.server@their.server`, the instance actor Mastodon and others name after
//! their host), for the OStatus subscribe link (Mastodon, Pleroma, Misskey, Fedify-based servers
//! and others publish `http://ostatus.org/schema/1.0/subscribe` with a `template` holding
//! `{uri}`) and send them there with our actor's URL; when no usable template comes back, to
//! Mastodon's `/authorize_interaction?uri=…` on the server they named.
//!
//! Everything here is attacker-controlled: the text typed, and the WebFinger answer of whatever
//! server it names. So the input must be a bare host (no path, userinfo, query, whitespace);
//! the lookup goes through the delivery client (timeouts, no redirects, private addresses
//! refused outside test mode) with a size cap; and a template is used only if it stays an
//! http(s) URL on the very host that was asked, with no control character anywhere.

use url::Url;

use crate::app::AppState;

/// The WebFinger link relation whose `template` is a "follow this" page.
pub const SUBSCRIBE_REL: &str = "http://ostatus.org/schema/1.0/subscribe";

/// Largest WebFinger answer read: real ones are a few hundred bytes.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Longest text accepted from the form (a handle is far shorter).
const MAX_INPUT_CHARS: usize = 320;

/// Why no address to send the visitor to could be found; each has a message in the locales.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not `@name@server` nor a server name.
    Malformed,
    /// Their server did not answer (or not in time).
    Unreachable,
}

impl Refusal {
    /// The Fluent id of the message shown with the form.
    pub fn message_id(self) -> &'static str {
        match self {
            Refusal::Malformed => "follow-error-malformed",
            Refusal::Unreachable => "follow-error-unreachable",
        }
    }
}

/// What the visitor typed, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// The account name, when a full handle was given.
    pub user: Option<String>,
    /// `host` or `host:port`, lowercase, IDNs in their ASCII (punycode) form.
    pub host: String,
}

/// Reads `@me@their.server`, `me@their.server`, `their.server` or `https://their.server/`.
pub fn parse(input: &str) -> Result<Remote, Refusal> {
    let text = input.trim();
    if text.is_empty() || text.chars().count() > MAX_INPUT_CHARS {
        return Err(Refusal::Malformed);
    }
    let text = text.strip_prefix("acct:").unwrap_or(text);
    let text = text.strip_prefix('@').unwrap_or(text);
    let (user, server) = match text.split_once('@') {
        Some((user, server)) => (Some(user), server),
        None => (None, text),
    };
    if let Some(user) = user {
        let valid = !user.is_empty()
            && user.len() <= 64
            && user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid {
            return Err(Refusal::Malformed);
        }
    }
    // A pasted address of the server is fine; anything after its name is not.
    let server = server
        .strip_prefix("https://")
        .or_else(|| server.strip_prefix("http://"))
        .unwrap_or(server);
    let server = server.strip_suffix('/').unwrap_or(server);
    Ok(Remote {
        user: user.map(str::to_string),
        host: host(server).ok_or(Refusal::Malformed)?,
    })
}

/// A server name (with an optional port) and nothing else, normalised by the URL parser.
fn host(server: &str) -> Option<String> {
    // The URL parser would quietly take these as the end of the host or drop them.
    if server.is_empty()
        || server
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '\\' | '?' | '#' | '@' | '%'))
    {
        return None;
    }
    let url = Url::parse(&format!("https://{server}/")).ok()?;
    let name = match url.host()? {
        url::Host::Domain(name) if name.contains('.') || name == "localhost" => name.to_string(),
        _ => return None,
    };
    Some(match url.port() {
        Some(port) => format!("{name}:{port}"),
        None => name,
    })
}

/// The scheme servers are reached with: https, or http for the loopback servers of tests (the
/// same switch as the federation library's debug mode).
fn scheme(state: &AppState) -> &'static str {
    if state.config.federation_allow_private.is_empty() {
        "https"
    } else {
        "http"
    }
}

/// Where to send the visitor so that their server shows "follow `actor`".
pub async fn follow_address(state: &AppState, remote: &Remote, actor: &str) -> Result<Url, Refusal> {
    let scheme = scheme(state);
    let fallback = || {
        Url::parse(&format!(
            "{scheme}://{}/authorize_interaction?uri={}",
            remote.host,
            encode(actor)
        ))
        .map_err(|_| Refusal::Malformed)
    };
    let resource = webfinger_resource(remote);
    let lookup = format!(
        "{scheme}://{}/.well-known/webfinger?resource={}",
        remote.host,
        encode(&resource)
    );
    let answer = super::deliver::small_get(
        state,
        &lookup,
        "application/jrd+json, application/json",
        MAX_ANSWER_BYTES,
    )
    .await
    .map_err(|reason| {
        tracing::info!(host = %remote.host, %reason, "follow from a server: WebFinger unreachable");
        Refusal::Unreachable
    })?;
    let Some(template) = answer.and_then(|body| subscribe_template(&body)) else {
        return fallback();
    };
    match usable(&template, actor, scheme, &remote.host) {
        Some(url) => Ok(url),
        None => {
            tracing::info!(host = %remote.host, template = %template.escape_debug(), "follow from a server: template refused");
            fallback()
        }
    }
}

/// The account asked about: the one named, or for a server alone the server's own account
/// (Mastodon answers `acct:host@host` with its instance actor, subscribe link included).
fn webfinger_resource(remote: &Remote) -> String {
    let account = remote.user.as_deref().unwrap_or(&remote.host);
    format!("acct:{account}@{}", remote.host)
}

/// The subscribe link's template in a WebFinger answer, if it has one.
fn subscribe_template(body: &[u8]) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    json.get("links")?
        .as_array()?
        .iter()
        .find(|link| link.get("rel").and_then(|r| r.as_str()) == Some(SUBSCRIBE_REL))?
        .get("template")?
        .as_str()
        .map(str::to_string)
}

/// `template` with `{uri}` filled in, if the result is an http(s) URL on `host` itself.
fn usable(template: &str, actor: &str, scheme: &str, host: &str) -> Option<Url> {
    // The URL parser removes tabs and line breaks instead of refusing them: refuse them here.
    if template.len() > 2048 || !template.contains("{uri}") || template.chars().any(char::is_control) {
        return None;
    }
    let url = Url::parse(&template.replace("{uri}", &encode(actor))).ok()?;
    let same_host = match url.port() {
        Some(port) => url.host_str().map(|h| format!("{h}:{port}")),
        None => url.host_str().map(str::to_string),
    };
    let scheme_ok = url.scheme() == "https" || url.scheme() == scheme;
    (scheme_ok && same_host.as_deref() == Some(host) && url.username().is_empty() && url.password().is_none())
        .then_some(url)
}

/// Percent-encodes everything but unreserved characters, so a URL fits in a query parameter.
fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(user: Option<&str>, host: &str) -> Remote {
        Remote {
            user: user.map(str::to_string),
            host: host.into(),
        }
    }

    #[test]
    fn handles_and_servers_are_read_in_their_usual_forms() {
        assert_eq!(
            parse(" @ada@Social.Example "),
            Ok(remote(Some("ada"), "social.example"))
        );
        assert_eq!(
            parse("ada@social.example:8443"),
            Ok(remote(Some("ada"), "social.example:8443"))
        );
        assert_eq!(
            parse("acct:ada@social.example"),
            Ok(remote(Some("ada"), "social.example"))
        );
        assert_eq!(
            parse("https://social.example/"),
            Ok(remote(None, "social.example"))
        );
        assert_eq!(parse("social.example"), Ok(remote(None, "social.example")));
        // An internationalised name travels in its ASCII form.
        assert_eq!(parse("@zoé@réseau.example"), Err(Refusal::Malformed));
        assert_eq!(
            parse("@zoe@réseau.example"),
            Ok(remote(Some("zoe"), "xn--rseau-bsa.example"))
        );
    }

    #[test]
    fn a_server_alone_is_asked_about_its_own_account() {
        assert_eq!(
            webfinger_resource(&remote(Some("ada"), "social.example")),
            "acct:ada@social.example"
        );
        assert_eq!(
            webfinger_resource(&remote(None, "social.example")),
            "acct:social.example@social.example"
        );
        assert_eq!(
            webfinger_resource(&remote(None, "localhost:8443")),
            "acct:localhost:8443@localhost:8443"
        );
    }

    #[test]
    fn anything_beyond_a_server_name_is_refused() {
        for input in [
            "",
            "@",
            "@@social.example",
            "ada@",
            "social",
            "https://social.example/users/ada",
            "https://evil.example@social.example",
            "ada@evil.example/@social.example",
            "ada@social.example?x=1",
            "ada@social.example#x",
            "ada@social.example\r\nX-Header: 1",
            "ada@social .example",
            "ada@127.0.0.1",
            "ada@[::1]",
            "javascript:alert(1)",
            "ada@social.example%2F",
            "a\u{0}da@social.example",
        ] {
            assert_eq!(parse(input), Err(Refusal::Malformed), "{input:?}");
        }
        assert_eq!(
            parse(&format!("ada@{}.example", "a".repeat(400))),
            Err(Refusal::Malformed)
        );
    }

    #[test]
    fn only_templates_on_the_asked_host_over_http_s_are_used() {
        let actor = "https://town.example/processes/budget";
        let ok = usable(
            "https://social.example/authorize_interaction?uri={uri}",
            actor,
            "https",
            "social.example",
        )
        .expect("usable");
        assert_eq!(
            ok.as_str(),
            "https://social.example/authorize_interaction?uri=https%3A%2F%2Ftown.example%2Fprocesses%2Fbudget"
        );
        for template in [
            "javascript:alert(1)//{uri}",
            "data:text/html,{uri}",
            "https://evil.example/follow?uri={uri}",
            "https://social.example.evil.example/?uri={uri}",
            "https://user@social.example/?uri={uri}",
            "https://social.example/?uri={uri}\r\nSet-Cookie: x=1",
            "https://social.example/\t?uri={uri}",
            "//evil.example/?uri={uri}",
            "https://social.example/no-placeholder",
            "http://social.example/?uri={uri}",
        ] {
            assert!(
                usable(template, actor, "https", "social.example").is_none(),
                "{template:?}"
            );
        }
    }
}
