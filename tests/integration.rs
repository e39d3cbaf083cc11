//! Deckhand's core integration tests, in one binary so they link once.

mod support;

mod cli;
mod engine;
mod faults;
mod hostile;
mod notify;
mod ops;
mod security;
mod simulation;
mod slots;
mod store;
mod trace;
mod trace_variants;
