//! `TestTown`: a town set up in one chain (processes, people signed in, their proposals), so
//! that a test states what it needs instead of copying the steps that make it.
//!
//! ```ignore
//! let town = TestTown::new()
//!     .with_process("budget", Allow::ALL)
//!     .with_citizen("marie")
//!     .with_proposal("budget", "marie", "Benches in the park")
//!     .await;
//! let id = town.proposal("Benches in the park");
//! let mut marie = town.browser_of("marie");
//! ```

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::future::{Future, IntoFuture};
use std::ops::Deref;
use std::pin::Pin;

use axum::http::Method;
use serde_json::json;

use plenum::domain::accounts::{Role, User};
use plenum::domain::processes::ProcessDetail;

use crate::common::{Allow, Browser, TestApp, PASSWORD};

/// The body of a proposal made by [`TestTown::with_proposal`]: long enough to pass the rules.
pub const PROPOSAL_BODY: &str = "A body long enough to explain the idea well.";

/// Someone of the town, with a browser signed in as them.
#[derive(Clone)]
pub struct Person {
    pub browser: Browser,
    pub user: User,
}

/// A [`TestApp`] and what the chain made in it, by name. It derefs to the [`TestApp`], so
/// `town.browser()`, `town.db(..)` and `town.state` work as on the application; the handles are
/// named apart from its methods (`detail`, `account`, `browser_of`) so neither hides the other.
pub struct TestTown {
    pub app: TestApp,
    processes: BTreeMap<String, ProcessDetail>,
    people: BTreeMap<String, Person>,
    proposals: BTreeMap<String, String>,
    tokens: BTreeMap<String, String>,
}

impl Deref for TestTown {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// One thing the town is to have, made in order when the plan is awaited.
enum Step {
    Process(String, Allow),
    Citizen(String),
    Staff(String),
    ApiUser(String),
    Proposal {
        slug: String,
        author: String,
        title: String,
        body: String,
    },
}

/// What [`TestTown::new`] gives: a list of steps, run in order by `.await`.
#[must_use = "a town plan does nothing until it is awaited"]
pub struct TownPlan {
    steps: Vec<Step>,
    config: Option<ConfigChange>,
}

/// What [`TownPlan::with_config`] does to the configuration.
type ConfigChange = Box<dyn FnOnce(&mut plenum::config::Config)>;

impl TownPlan {
    /// The town's configuration as `change` adjusts it (an SMTP server, a time zone).
    pub fn with_config(mut self, change: impl FnOnce(&mut plenum::config::Config) + 'static) -> TownPlan {
        self.config = Some(Box::new(change));
        self
    }

    /// A published process with one phase open now, allowing `allow` (see [`TestApp::process`]).
    pub fn with_process(mut self, slug: &str, allow: Allow) -> TownPlan {
        self.steps.push(Step::Process(slug.into(), allow));
        self
    }

    /// A citizen `username`, signed in (e-mail `username@example.org`).
    pub fn with_citizen(mut self, username: &str) -> TownPlan {
        self.steps.push(Step::Citizen(username.into()));
        self
    }

    /// A staff member `username`, signed in.
    pub fn with_staff(mut self, username: &str) -> TownPlan {
        self.steps.push(Step::Staff(username.into()));
        self
    }

    /// A citizen `username` who uses the JSON API: a token from `POST /api/v1/tokens` (see
    /// [`TestTown::token`]); their browser has no session.
    pub fn with_api_user(mut self, username: &str) -> TownPlan {
        self.steps.push(Step::ApiUser(username.into()));
        self
    }

    /// `author` (someone made earlier in the plan) writes a proposal in process `slug` through
    /// its form; the proposal's body is [`PROPOSAL_BODY`].
    pub fn with_proposal(self, slug: &str, author: &str, title: &str) -> TownPlan {
        self.with_proposal_text(slug, author, title, PROPOSAL_BODY)
    }

    /// As [`TownPlan::with_proposal`], with the proposal's body given.
    pub fn with_proposal_text(mut self, slug: &str, author: &str, title: &str, body: &str) -> TownPlan {
        self.steps.push(Step::Proposal {
            slug: slug.into(),
            author: author.into(),
            title: title.into(),
            body: body.into(),
        });
        self
    }

    async fn build(self) -> TestTown {
        let mut town = TestTown {
            app: match self.config {
                Some(change) => TestApp::with_config(change).await,
                None => TestApp::new().await,
            },
            processes: BTreeMap::new(),
            people: BTreeMap::new(),
            proposals: BTreeMap::new(),
            tokens: BTreeMap::new(),
        };
        for step in self.steps {
            match step {
                Step::Process(slug, allow) => {
                    let detail = town.app.process(&slug, allow).await;
                    town.processes.insert(slug, detail);
                }
                Step::Citizen(username) => {
                    let (browser, user) = town.app.citizen(&username).await;
                    town.people.insert(username, Person { browser, user });
                }
                Step::Staff(username) => {
                    let (browser, user) = town.app.staff(&username).await;
                    town.people.insert(username, Person { browser, user });
                }
                Step::ApiUser(username) => {
                    let (browser, user, token) = api_user(&town.app, &username).await;
                    town.tokens.insert(username.clone(), token);
                    town.people.insert(username, Person { browser, user });
                }
                Step::Proposal {
                    slug,
                    author,
                    title,
                    body,
                } => {
                    let id = town.propose(&slug, &author, &title, &body).await;
                    town.proposals.insert(title, id);
                }
            }
        }
        town
    }
}

impl IntoFuture for TownPlan {
    type Output = TestTown;
    type IntoFuture = Pin<Box<dyn Future<Output = TestTown>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.build())
    }
}

impl TestTown {
    /// A plan for a town on a fresh database; `.await` it to make the town.
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> TownPlan {
        TownPlan {
            steps: Vec::new(),
            config: None,
        }
    }

    /// `author` writes a proposal through the form, as a person would; returns its id.
    async fn propose(&mut self, slug: &str, author: &str, title: &str, body: &str) -> String {
        let person = self
            .people
            .get_mut(author)
            .unwrap_or_else(|| panic!("{author} is not one of the town's people"));
        propose_checked(&mut person.browser, slug, title, body).await
    }

    /// The process made with this slug.
    pub fn detail(&self, slug: &str) -> &ProcessDetail {
        self.processes
            .get(slug)
            .unwrap_or_else(|| panic!("no process {slug} in the town"))
    }

    /// A browser signed in as `username` (a copy: each holds its own cookies from now on).
    pub fn browser_of(&self, username: &str) -> Browser {
        self.person(username).browser.clone()
    }

    pub fn account(&self, username: &str) -> &User {
        &self.person(username).user
    }

    /// The id of the proposal made with this title.
    pub fn proposal(&self, title: &str) -> String {
        self.proposals
            .get(title)
            .unwrap_or_else(|| panic!("no proposal {title:?} in the town"))
            .clone()
    }

    /// The API token of someone made with [`TownPlan::with_api_user`].
    pub fn token(&self, username: &str) -> String {
        self.tokens
            .get(username)
            .unwrap_or_else(|| panic!("{username} has no API token in the town"))
            .clone()
    }

    fn person(&self, username: &str) -> &Person {
        self.people
            .get(username)
            .unwrap_or_else(|| panic!("{username} is not one of the town's people"))
    }
}

/// Writes a proposal through the form and checks it was created (a redirect to its page with
/// the notice); returns its id.
pub async fn propose_checked(browser: &mut Browser, slug: &str, title: &str, body: &str) -> String {
    let created = browser
        .post(
            &format!("/processes/{slug}/proposals"),
            &[("title", title), ("body", body)],
        )
        .await;
    created.assert_status(303);
    let location = created.location().to_string();
    assert!(location.contains("notice=proposal-created"), "{location}");
    location
        .trim_start_matches("/proposals/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A new citizen `username` and an API token for them, exchanged for their password as a
/// script would (checked created, and in the token format); the browser that asked, and the
/// token.
pub async fn api_user(app: &TestApp, username: &str) -> (Browser, User, String) {
    let user = app.user(username, Role::Citizen).await;
    let mut browser = app.browser();
    let page = browser
        .api(
            Method::POST,
            "/api/v1/tokens",
            Some(json!({"email": format!("{username}@example.org"), "password": PASSWORD, "label": "tests"})),
            None,
        )
        .await;
    page.assert_status(201);
    let token = page.json()["token"].as_str().expect("a token").to_string();
    assert!(token.starts_with("plenum_"));
    (browser, user, token)
}
