//! Participatory budgeting without a database: pabulib files, exact amounts, outcome rules.
//!
//! `pabulib` reads and writes `.pb` files, `profile` turns an election into integers the rules
//! count with, `rules` holds greedy, Method of Equal Shares (with and without completion) and
//! exact max-utility, each matching pabutools on the real elections in our tests. The web
//! pages, the `plenum tally` command and the published results all call [`tally`].

pub mod amount;
pub mod cli;
pub mod pabulib;
pub mod profile;
pub mod proof;
pub mod rules;

pub use profile::{Profile, ProfileError};
pub use rules::{Outcome, Rule, Utility};

/// Runs `rule` on an election.
pub fn tally(election: &pabulib::Election, rule: Rule) -> Result<Outcome, ProfileError> {
    let profile = Profile::new(election)?;
    Ok(rules::run(&profile, rule))
}
