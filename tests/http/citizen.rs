//! Integration tests: citizen.
