//! The application layer: what `web` (pages and the JSON API) and `federation` (the inbox)
//! share. `state` holds the shared state and the site's identity; each other module holds the
//! actions of one concept, one `async fn` per thing a person does, which opens the transaction,
//! applies the domain's rules, queues what followers must hear and wakes the delivery workers.
//! Handlers translate a request into one call here and its result into a response.

pub mod state;

pub use state::{AppState, FedState, SignedIn, Site};
