//! Faults (issue 8): crashes, outages and a hostile environment. Each test prints figures for
//! the record (`cargo test faults -- --nocapture`).

mod clock;
mod crash;
// A full disk is made with a small tmpfs (Linux's mount).
#[cfg(target_os = "linux")]
mod disk_full;
mod files;
mod kill_storm;
mod locked;
mod mail;
