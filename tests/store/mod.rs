mod concurrency;
mod contacts;
mod history;
mod migrations;
mod runs;
mod schedules;
mod settings;
