//! Deckhand's core integration tests, in one binary so they link once.

mod support;

mod cli;
mod engine;
mod faults;
mod hostile;
mod notify;
mod simulation;
mod slots;
mod store;
mod trace;
