//! Simulation: a stand-in for VENUS on machines without it, so Deckhand runs for real —
//! the `deckhand-sim` program and the demo methods it ships with.

mod script;
mod setup;
pub mod venus;

pub use script::{Ending, Script};
pub use setup::{ACTOR, FirstStart, first_start, is_simulator, simulator_beside};

/// The simulator program's file name on this platform.
pub const PROGRAM: &str = if cfg!(windows) {
    "deckhand-sim.exe"
} else {
    "deckhand-sim"
};

/// The demo methods: file name and contents (text with `sim:` lines).
pub const DEMO_METHODS: [(&str, &str); 6] = [
    ("Demo - completes.med", include_str!("demo/completes.med")),
    ("Demo - step error.med", include_str!("demo/step-error.med")),
    ("Demo - aborted.med", include_str!("demo/aborted.med")),
    (
        "Demo - stuck on a dialog.med",
        include_str!("demo/stuck.med"),
    ),
    ("Demo - crashes.med", include_str!("demo/crashes.med")),
    (
        "Demo - does not start.med",
        include_str!("demo/not-started.med"),
    ),
];
