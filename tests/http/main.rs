//! Integration tests through the HTTP router, on the backend named by `PLENUM_TEST_DB`.

mod common;

mod accounts;
mod admin;
mod adversarial;
mod api;
mod ballot_secrecy;
mod budgets;
mod census;
mod citizen;
mod federation;
mod peer;
