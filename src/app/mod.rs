//! The application layer: what `web` (pages and the JSON API) and `federation` (the inbox)
//! share. `state` holds the shared state and the site's identity; each other module holds the
//! actions of one concept, one `async fn` per thing a person does, which opens the transaction,
//! applies the domain's rules, queues what followers must hear and wakes the delivery workers.
//! Handlers translate a request into one call here and its result into a response, so a new
//! handler cannot forget federation, and the HTML form and the JSON API cannot drift apart.

pub mod accounts;
pub mod addresses;
pub mod attachments;
pub mod ballots;
pub mod budgets;
pub mod census;
pub mod comments;
pub mod endorsements;
pub mod mail;
pub mod moderation;
pub mod notifications;
pub mod password_reset;
pub mod peers;
pub mod processes;
pub mod proposals;
pub mod remote;
pub mod sessions;
pub mod state;
pub mod two_factor;

pub use state::{AppState, FedState, SignedIn, Site};

use crate::db::{AnyConnection, DbError};
use crate::domain::accounts::User;
use crate::domain::{Error, Msg, Result};
use crate::federation::outbox::{self, Event};

/// What an action leaves for after its change: the federation events its followers must hear
/// (queued in the same transaction, so a change and its deliveries commit together).
#[derive(Default)]
pub struct Effects {
    events: Vec<Event>,
    sent: bool,
}

impl Effects {
    /// Followers of the process concerned hear about `event`.
    pub fn federate(&mut self, event: Event) {
        self.events.push(event);
    }

    /// The action queued an activity itself (to another town's process): the delivery workers
    /// are woken after the commit.
    pub fn sent(&mut self) {
        self.sent = true;
    }
}

/// Runs `change` in one write transaction, queues the federation events it raised in that same
/// transaction, and wakes the delivery workers once it has committed.
pub async fn act<T, F>(state: &AppState, change: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection, &mut Effects) -> Result<T> + Send + 'static,
{
    transact(state, change).await
}

/// [`act`] for a layer with its own error type: the inbox answers peers with `FedError`
/// (`federation::inbound::receive`), so its effects keep their refusals as they are.
pub async fn transact<T, E, F>(state: &AppState, change: F) -> std::result::Result<T, E>
where
    T: Send + 'static,
    E: From<Error> + From<DbError> + From<diesel::result::Error> + Send + 'static,
    F: FnOnce(&mut AnyConnection, &mut Effects) -> std::result::Result<T, E> + Send + 'static,
{
    let site = state.site();
    let (value, queued) = state
        .db
        .write(move |conn| {
            let mut effects = Effects::default();
            let value = change(conn, &mut effects)?;
            let queued = effects.sent || !effects.events.is_empty();
            for event in effects.events {
                outbox::after(conn, &site, event)?;
            }
            Ok::<_, E>((value, queued))
        })
        .await?;
    if queued {
        state.deliveries_ready();
    }
    Ok(value)
}

/// A signed-in staff member. Only [`Staff::check`] makes one, so a staff action cannot be
/// called for someone who is not.
#[derive(Debug, Clone)]
pub struct Staff(User);

impl Staff {
    pub fn check(user: &User) -> Result<Staff> {
        if user.is_admin() {
            Ok(Staff(user.clone()))
        } else {
            Err(Error::Forbidden(Msg::new("denied-staff-only")))
        }
    }

    pub fn user(&self) -> &User {
        &self.0
    }
}
