//! The engine under paused tokio time, with a fake runner and robot monitor.

pub(crate) mod fakes;
mod gates;
mod lifecycle;
mod missed;
mod outcomes;
mod real;
mod simulated;
