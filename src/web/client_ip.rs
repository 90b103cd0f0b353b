//! The client's address, for per-address limits. Behind a reverse proxy the TCP peer is the
//! proxy, so every citizen would share one bucket; the proxy's forwarding header names the
//! client, but anyone can send that header, so it is read only from a trusted proxy.
//!
//! Each proxy appends the address it received the request from, so the chain reads client,
//! proxy 1, proxy 2… and only its right end is written by proxies we trust. Walking from the
//! right past our own proxies, the first other address is the one a trusted proxy saw connect:
//! the client. Entries further left were written by the client and are ignored.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

use crate::config::ForwardedHeader;

/// Proxies in a chain looked at, at most (a chain is a handful; a longer one is made up).
const MAX_HOPS: usize = 32;

/// `10.0.0.1`, `10.0.0.0/8`, `::1` or `fd00::/8`.
pub fn parse_range(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
        .map(|net| net.trunc())
}

fn is_trusted(ip: &IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(ip))
}

/// The address per-address limits count under. `peer` is the TCP peer (`None` when the request
/// did not come from a socket: tests, the command line).
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpNet],
    header: ForwardedHeader,
) -> String {
    let Some(peer) = peer.map(|ip| ip.to_canonical()) else {
        return "local".into();
    };
    if !is_trusted(&peer, trusted) {
        return peer.to_string();
    }
    let chain = match header {
        ForwardedHeader::XForwardedFor => x_forwarded_for(headers),
        ForwardedHeader::Forwarded => forwarded_for(headers),
    };
    // The nearest address is the last proxy's own view; stop at anything malformed (`unknown`,
    // an obfuscated name, garbage): what is left of it cannot be told apart from the client's
    // own writing, so the last trusted hop stands for the client.
    let mut client = peer;
    for entry in chain.iter().rev().take(MAX_HOPS) {
        match entry {
            Some(ip) if is_trusted(ip, trusted) => client = *ip,
            Some(ip) => return ip.to_string(),
            None => break,
        }
    }
    client.to_string()
}

/// Every header line of `name`, comma-joined, in order (repeated headers are one list). A line
/// that is not text makes the whole header unreadable: one malformed entry.
fn list(headers: &HeaderMap, name: &str) -> Vec<Option<String>> {
    let mut entries = Vec::new();
    for value in headers.get_all(name) {
        match value.to_str() {
            Ok(text) => entries.extend(text.split(',').map(|e| Some(e.trim().to_string()))),
            Err(_) => entries.push(None),
        }
    }
    entries
}

fn x_forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    list(headers, "x-forwarded-for")
        .into_iter()
        .map(|entry| entry.and_then(|e| parse_node(&e)))
        .collect()
}

/// RFC 7239: `Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"`. An element
/// without `for=` is malformed for our purpose.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    list(headers, "forwarded")
        .into_iter()
        .map(|element| {
            let element = element?;
            let value = element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim().eq_ignore_ascii_case("for").then(|| value.trim())
            })?;
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            parse_node(value)
        })
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:443`, `2001:db8::1`, `[2001:db8::1]` or `[2001:db8::1]:443`.
fn parse_node(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    let ip = text
        .parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            text.strip_prefix('[')
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|t| t.parse().ok())
        })?;
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn proxies() -> Vec<IpNet> {
        ["127.0.0.1", "10.0.0.0/8", "fd00::/8"]
            .iter()
            .map(|p| parse_range(p).unwrap())
            .collect()
    }

    fn address(peer: &str, headers: &[(&'static str, &[u8])], header: ForwardedHeader) -> String {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, HeaderValue::from_bytes(value).unwrap());
        }
        client_address(Some(peer.parse().unwrap()), &map, &proxies(), header)
    }

    fn xff(peer: &str, headers: &[(&'static str, &[u8])]) -> String {
        address(peer, headers, ForwardedHeader::XForwardedFor)
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        assert_eq!(
            xff("203.0.113.9", &[("x-forwarded-for", b"198.51.100.1")]),
            "203.0.113.9"
        );
        let forwarded = address(
            "203.0.113.9",
            &[("forwarded", b"for=198.51.100.1")],
            ForwardedHeader::Forwarded,
        );
        assert_eq!(forwarded, "203.0.113.9");
        let mut map = HeaderMap::new();
        map.insert("x-forwarded-for", HeaderValue::from_static("198.51.100.1"));
        assert_eq!(
            client_address(
                Some("127.0.0.1".parse().unwrap()),
                &map,
                &[],
                ForwardedHeader::XForwardedFor
            ),
            "127.0.0.1",
            "no proxy is trusted by default"
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_other_address_is_the_client() {
        assert_eq!(
            xff("127.0.0.1", &[("x-forwarded-for", b"198.51.100.1")]),
            "198.51.100.1"
        );
        // The client wrote the left part itself; two of our proxies added the rest.
        assert_eq!(
            xff(
                "10.0.0.2",
                &[("x-forwarded-for", b"6.6.6.6, 198.51.100.1, 10.0.0.1")]
            ),
            "198.51.100.1"
        );
        // Repeated header lines are one list, in order.
        assert_eq!(
            xff(
                "127.0.0.1",
                &[
                    ("x-forwarded-for", b"6.6.6.6"),
                    ("x-forwarded-for", b"198.51.100.2")
                ]
            ),
            "198.51.100.2"
        );
        assert_eq!(
            xff("127.0.0.1", &[("x-forwarded-for", b"[2001:db8::7]:443")]),
            "2001:db8::7"
        );
        assert_eq!(
            xff("127.0.0.1", &[("x-forwarded-for", b"::ffff:198.51.100.3")]),
            "198.51.100.3"
        );
        assert_eq!(
            address(
                "::ffff:127.0.0.1",
                &[(
                    "forwarded",
                    b"for=6.6.6.6, for=\"[2001:db8::1]:4711\";proto=https"
                )],
                ForwardedHeader::Forwarded,
            ),
            "2001:db8::1"
        );
    }

    #[test]
    fn only_the_configured_header_is_read() {
        // nginx appends to X-Forwarded-For and passes a client's Forwarded on untouched.
        assert_eq!(
            xff(
                "127.0.0.1",
                &[
                    ("forwarded", b"for=6.6.6.6"),
                    ("x-forwarded-for", b"198.51.100.1")
                ]
            ),
            "198.51.100.1"
        );
        assert_eq!(
            address(
                "127.0.0.1",
                &[
                    ("x-forwarded-for", b"6.6.6.6"),
                    ("forwarded", b"for=198.51.100.1")
                ],
                ForwardedHeader::Forwarded,
            ),
            "198.51.100.1"
        );
    }

    #[test]
    fn malformed_or_missing_entries_stop_at_the_last_trusted_hop() {
        assert_eq!(xff("127.0.0.1", &[]), "127.0.0.1");
        assert_eq!(xff("127.0.0.1", &[("x-forwarded-for", b"")]), "127.0.0.1");
        assert_eq!(xff("127.0.0.1", &[("x-forwarded-for", b"unknown")]), "127.0.0.1");
        assert_eq!(
            xff(
                "10.0.0.2",
                &[("x-forwarded-for", b"198.51.100.1, garbage, 10.0.0.1")]
            ),
            "10.0.0.1"
        );
        assert_eq!(
            xff("127.0.0.1", &[("x-forwarded-for", b"1.2.3.4\xff")]),
            "127.0.0.1"
        );
        let forwarded =
            |value: &'static [u8]| address("127.0.0.1", &[("forwarded", value)], ForwardedHeader::Forwarded);
        assert_eq!(forwarded(b"for=unknown"), "127.0.0.1");
        assert_eq!(forwarded(b"for=_hidden"), "127.0.0.1");
        assert_eq!(forwarded(b"proto=https"), "127.0.0.1");
        assert_eq!(forwarded(b"for=\"198.51.100.1"), "127.0.0.1");
        // A client cannot push its own entries past the hop limit to reach a chosen one.
        let long = std::iter::repeat_n("10.0.0.9", 40).collect::<Vec<_>>().join(",");
        assert_eq!(
            xff(
                "127.0.0.1",
                &[("x-forwarded-for", format!("6.6.6.6,{long}").as_bytes())]
            ),
            "10.0.0.9"
        );
    }

    #[test]
    fn ranges_parse_as_addresses_or_cidr() {
        assert_eq!(parse_range("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(parse_range(" ::1 ").unwrap().to_string(), "::1/128");
        assert!(parse_range("10.0.0.0/33").is_none());
        assert!(parse_range("proxy.local").is_none());
    }
}
