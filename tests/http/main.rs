//! Integration tests through the HTTP router, on the backend named by `PLENUM_TEST_DB`.

mod common;
mod town;

mod accounts;
mod admin;
mod adversarial;
mod adversarial_attestation;
mod adversarial_web;
mod api;
mod attachments;
mod ballot_log;
mod ballot_secrecy;
mod budgets;
mod census;
mod census_upload;
mod citizen;
mod federation;
mod feeds;
mod follow;
mod formats;
mod notifications;
mod notifications_inbound;
mod notifications_page;
mod ops;
mod peer;
mod peer_forms;
mod peer_webfinger;
mod proxies;
mod redirects;
mod rules;
mod throttle;
