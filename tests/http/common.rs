//! Test fixtures: a real application on a fresh database (SQLite or PostgreSQL, from
//! `PLENUM_TEST_DB`), driven through its router like a browser or an API client would.

#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use chrono::Duration;

use plenum::app::AppState;
use plenum::config::{Config, StaffTwoFactor};
use plenum::db::testing::TestDatabase;
use plenum::domain::accounts::{self, NewAccount, Role, User};
use plenum::domain::processes::{self, PhaseForm, ProcessDetail, ProcessForm};
use plenum::domain::{now, Error};

pub use crate::browser::{Browser, Page};

/// A password that passes the rules, for test accounts.
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub state: Arc<AppState>,
    pub router: Router,
    _db: TestDatabase,
}

/// Each application has its own upload folder (`Config::for_local`): gone with it.
impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.state.config.upload_dir);
    }
}

/// What a phase allows, for fixtures.
#[derive(Clone, Copy)]
pub struct Allow {
    pub proposals: bool,
    pub endorsements: bool,
    pub comments: bool,
}

impl Allow {
    pub const ALL: Allow = Allow {
        proposals: true,
        endorsements: true,
        comments: true,
    };
    pub const NOTHING: Allow = Allow {
        proposals: false,
        endorsements: false,
        comments: false,
    };
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with_config(|_| {}).await
    }

    /// An application whose configuration `change` adjusts first (limits, trusted proxies).
    pub async fn with_config(change: impl FnOnce(&mut Config)) -> TestApp {
        let db = TestDatabase::fresh();
        let mut config = Config::for_local(&db.url, "127.0.0.1:8080".parse().expect("address"));
        // Two-factor sign-in is the subject of `two_factor.rs`, which sets it back to required
        // (the default); elsewhere staff fixtures sign in with their password alone.
        config.staff_two_factor = StaffTwoFactor::Optional;
        change(&mut config);
        let state = tokio::task::spawn_blocking(move || AppState::new(config))
            .await
            .expect("join")
            .expect("the application starts");
        let router = plenum::web::router(state.clone());
        TestApp {
            state,
            router,
            _db: db,
        }
    }

    /// A browser with no cookies yet, asking for English pages.
    pub fn browser(&self) -> Browser {
        Browser::new(self.router.clone(), self.state.secret.clone())
    }

    /// Creates an account directly (fast path for fixtures).
    pub async fn user(&self, username: &str, role: Role) -> User {
        let form = NewAccount {
            email: format!("{username}@example.org"),
            username: username.into(),
            display_name: format!("{username} display"),
            password: PASSWORD.into(),
        };
        accounts::sign_up(
            &self.state.db,
            &self.state.hashing,
            form,
            role,
            &format!("fixture-{username}"),
            // Fixture accounts have confirmed their address (`account_mail.rs` tests those that
            // have not).
            true,
            |_, _| Ok(()),
        )
        .await
        .expect("fixture account")
    }

    /// A signed-in browser for a new citizen.
    pub async fn citizen(&self, username: &str) -> (Browser, User) {
        let user = self.user(username, Role::Citizen).await;
        let mut b = self.browser();
        b.login(&format!("{username}@example.org")).await;
        (b, user)
    }

    /// A signed-in browser for a new staff member.
    pub async fn staff(&self, username: &str) -> (Browser, User) {
        let user = self.user(username, Role::Admin).await;
        let mut b = self.browser();
        b.login(&format!("{username}@example.org")).await;
        (b, user)
    }

    /// A published process with one phase, open since yesterday for a week, allowing `allow`.
    pub async fn process(&self, slug: &str, allow: Allow) -> ProcessDetail {
        let slug = slug.to_string();
        self.state
            .db
            .write(move |c| {
                let p = processes::create(
                    c,
                    &ProcessForm {
                        slug: slug.clone(),
                        title: format!("Process {slug}"),
                        description: "A process for the tests, with enough words.".into(),
                        scope: String::new(),
                        categories: "Mobility\nGreen spaces".into(),
                    },
                )?;
                processes::add_phase(
                    c,
                    &p.id,
                    &PhaseForm {
                        kind: "proposals".into(),
                        starts_at: now() - Duration::days(1),
                        ends_at: now() + Duration::days(7),
                        proposals_enabled: allow.proposals,
                        endorsements_enabled: allow.endorsements,
                        comments_enabled: allow.comments,
                    },
                )?;
                processes::set_published(c, &p.id, true)?;
                processes::detail_by_id(c, &p.id)
            })
            .await
            .expect("fixture process")
    }

    /// Runs a closure on the database (assertions on what is stored).
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut plenum::db::AnyConnection) -> Result<T, Error> + Send + 'static,
    ) -> T {
        self.state.db.read(f).await.expect("database read")
    }
}

/// Runs `f` on `conn` and counts the statements it sends to the database: what it costs in
/// round trips on PostgreSQL, where each statement is one.
pub fn counting_statements<T>(
    conn: &mut plenum::db::AnyConnection,
    f: impl FnOnce(&mut plenum::db::AnyConnection) -> Result<T, Error>,
) -> Result<(T, usize), Error> {
    use diesel::connection::{Connection, InstrumentationEvent};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { .. } = event {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    let result = f(conn);
    // The connection goes back to its pool: nothing of the count stays on it.
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    Ok((result?, count.load(Ordering::SeqCst)))
}
