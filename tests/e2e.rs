//! The end-to-end suite, one test binary: each module below is one subject
//! (its file under `tests/` says what it checks), all sharing `common`'s
//! real server, tokens and clients. One binary links the service once, not
//! once per subject (each link is over 100 MB of debug build), and one
//! `cargo test --test e2e` runs them all. `logs` is a binary of its own: it
//! installs the process's global log subscriber.

mod common;

mod access;
mod backup;
mod browser;
mod calendar;
mod calendar_text;
mod concurrent_writers;
mod corrections;
mod decisions;
mod deep_documents;
mod dso_consent;
mod dso_ring;
mod federation_entities;
mod finances;
mod forbund;
mod hostile_input;
mod http;
mod http_spec;
mod indicators;
mod input_ranges;
mod insatser;
mod jwt;
mod lame_duck;
mod layout;
mod live;
mod live_limits;
mod migrations;
mod national;
mod node;
mod oidc;
mod paging_contract;
mod permission_first;
mod reference_data;
mod replica;
mod resilience;
mod rules;
mod schema_contract;
mod sessions;
mod side_channels;
mod stored_values;
mod todo;
mod trusted_documents;
mod web_operations;
