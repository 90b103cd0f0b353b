//! Integration tests: admin.
