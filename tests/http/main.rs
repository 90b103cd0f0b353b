//! Integration tests through the HTTP router, on the backend named by `PLENUM_TEST_DB`.

mod common;

mod accounts;
mod admin;
mod api;
mod ballot_log;
mod budgets;
mod census;
mod census_upload;
mod citizen;
mod federation;
mod proxies;
mod redirects;
mod throttle;
