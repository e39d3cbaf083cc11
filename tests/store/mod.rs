mod concurrency;
mod contacts;
mod events;
mod history;
mod migrations;
mod runs;
mod schedules;
mod settings;
