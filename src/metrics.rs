//! What an operator's Prometheus scrapes from each node: requests by route and status, their
//! latency, and delivery outcomes, counted in this process since it started (each node has its
//! own; Prometheus adds them up). What the database knows (queue depth by state) is read at
//! scrape time by the endpoint, not counted here.
//!
//! A handful of counters behind one mutex: a request takes it once, for a few map lookups, which
//! costs nothing next to the request itself, and keeps the module free of a metrics crate.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Mutex, OnceLock};

/// Upper bounds of the latency histogram, in seconds (Prometheus's defaults).
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Default)]
struct Latency {
    /// Per bucket, how many took at most its bound (not cumulative here; summed when written).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Registry {
    /// (route template, method, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// route template → latency.
    latency: BTreeMap<String, Latency>,
    /// outcome (`delivered`, `failed`, `refused`, `skipped`) → deliveries.
    deliveries: BTreeMap<&'static str, u64>,
    /// outcome (`sent`, `retried`, `failed`) → mail send attempts.
    mails: BTreeMap<&'static str, u64>,
}

fn registry() -> &'static Mutex<Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(Mutex::default)
}

/// One answered request. `route` is the route's template (`/proposals/{id}`), never the path
/// itself, so that the number of series stays bounded whatever clients request.
pub fn record_request(route: &str, method: &str, status: u16, seconds: f64) {
    let Ok(mut r) = registry().lock() else { return };
    *r.requests
        .entry((route.to_string(), method.to_string(), status))
        .or_default() += 1;
    let latency = r.latency.entry(route.to_string()).or_default();
    if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
        latency.buckets[i] += 1;
    }
    latency.count += 1;
    latency.sum += seconds;
}

/// One delivery attempt finished with `outcome`.
pub fn record_delivery(outcome: &'static str) {
    if let Ok(mut r) = registry().lock() {
        *r.deliveries.entry(outcome).or_default() += 1;
    }
}

/// One mail send attempt finished with `outcome`.
pub fn record_mail(outcome: &'static str) {
    if let Ok(mut r) = registry().lock() {
        *r.mails.entry(outcome).or_default() += 1;
    }
}

/// Escapes a label value as the text format wants.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The counters in Prometheus's text format (version 0.0.4).
pub fn render() -> String {
    let Ok(r) = registry().lock() else {
        return String::new();
    };
    let mut out = String::new();
    out.push_str("# HELP plenum_http_requests_total HTTP requests answered, by route, method and status.\n");
    out.push_str("# TYPE plenum_http_requests_total counter\n");
    for ((route, method, status), n) in &r.requests {
        let _ = writeln!(
            out,
            "plenum_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
            label(route),
            label(method)
        );
    }
    out.push_str("# HELP plenum_http_request_duration_seconds Time to answer a request, by route.\n");
    out.push_str("# TYPE plenum_http_request_duration_seconds histogram\n");
    for (route, latency) in &r.latency {
        let route = label(route);
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(latency.buckets) {
            cumulative += n;
            let _ = writeln!(
                out,
                "plenum_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "plenum_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
            latency.count
        );
        let _ = writeln!(
            out,
            "plenum_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
            latency.sum
        );
        let _ = writeln!(
            out,
            "plenum_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
            latency.count
        );
    }
    out.push_str("# HELP plenum_deliveries_total Deliveries this node's worker finished, by outcome.\n");
    out.push_str("# TYPE plenum_deliveries_total counter\n");
    for (outcome, n) in &r.deliveries {
        let _ = writeln!(out, "plenum_deliveries_total{{outcome=\"{outcome}\"}} {n}");
    }
    out.push_str("# HELP plenum_mails_total Mail send attempts this node's worker finished, by outcome.\n");
    out.push_str("# TYPE plenum_mails_total counter\n");
    for (outcome, n) in &r.mails {
        let _ = writeln!(out, "plenum_mails_total{{outcome=\"{outcome}\"}} {n}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_template_with_a_cumulative_histogram() {
        record_request("/test-metrics/{id}", "GET", 200, 0.003);
        record_request("/test-metrics/{id}", "GET", 200, 0.2);
        record_request("/test-metrics/{id}", "GET", 404, 30.0);
        let text = render();
        assert!(text.contains(
            "plenum_http_requests_total{route=\"/test-metrics/{id}\",method=\"GET\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "plenum_http_requests_total{route=\"/test-metrics/{id}\",method=\"GET\",status=\"404\"} 1"
        ));
        assert!(text.contains(
            "plenum_http_request_duration_seconds_bucket{route=\"/test-metrics/{id}\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "plenum_http_request_duration_seconds_bucket{route=\"/test-metrics/{id}\",le=\"0.25\"} 2"
        ));
        // Longer than the last bound: only in +Inf.
        assert!(text.contains(
            "plenum_http_request_duration_seconds_bucket{route=\"/test-metrics/{id}\",le=\"10\"} 2"
        ));
        assert!(text.contains(
            "plenum_http_request_duration_seconds_bucket{route=\"/test-metrics/{id}\",le=\"+Inf\"} 3"
        ));
        assert!(text.contains("plenum_http_request_duration_seconds_count{route=\"/test-metrics/{id}\"} 3"));
    }

    #[test]
    fn label_values_cannot_break_the_format() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
