//! Plenum: a federated participation server for towns.
//!
//! Layers: `web` (HTTP) and `federation` (ActivityPub) call `domain` (the rules), which uses `db`.
//! `budgeting` holds the pure vote-counting rules.

pub mod app;
pub mod budgeting;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod federation;
pub mod i18n;
pub mod mail;
pub mod markdown;
pub mod metrics;
pub mod text;
pub mod web;
