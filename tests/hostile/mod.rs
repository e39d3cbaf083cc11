//! Bad input (issue 8): hostile values typed everywhere a person can type — the CLI, the
//! store calls behind the desktop's IPC commands, the recurrence rules and the trace reader.
//! Nothing panics, every refusal names its field in plain words, nothing is written, and odd
//! but legal method paths reach HxRun as one literal argument.

mod cli;
mod fields;
mod launch;
mod props;
