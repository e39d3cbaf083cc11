//! Application settings: a few typed values with defaults, stored as key/value rows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{Display, EnumIter, EnumString, IntoStaticStr};
use ts_rs::TS;

/// Whether the scheduler launches runs, kept in the database so a pause survives a restart
/// and is the same for every program on the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SchedulerState {
    pub paused: bool,
    /// When it was last paused or resumed; `None` if never.
    pub changed_at: Option<DateTime<Utc>>,
    /// Who last paused or resumed it.
    pub changed_by: Option<String>,
}

/// Every setting Deckhand has, with the value in force (stored, else the default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppSettings {
    /// VENUS's command-line runner.
    pub hxrun_path: String,
    /// HxRun's arguments; `{method}` stands for the method file and is passed as one argument.
    pub hxrun_args: String,
    /// Relative method paths resolve against this folder.
    pub methods_folder: String,
    /// Where VENUS writes its trace files.
    pub log_folder: String,
    /// How many runs may be in flight at once.
    pub max_concurrent_runs: u32,
    /// Process names that mean "the robot is busy" (comma-separated in storage).
    pub robot_process_names: Vec<String>,
    /// A run whose trace has not grown for this long is flagged stuck.
    pub stuck_threshold_minutes: u32,
    /// Runs go to the bundled VENUS simulator, not the robot: the app says so everywhere.
    pub simulation: bool,
    /// Only methods inside the methods folder may be saved in a schedule or launched, so a
    /// stored schedule cannot be turned into "run anything". On unless someone turns it off.
    pub methods_folder_only: bool,
    /// How much Deckhand writes to its log files.
    pub log_level: LogLevel,
    /// How many daily backups are kept in the backups folder.
    pub backup_keep: u32,
    /// The proxy that chat and webhook messages go through (`http://host:port`); empty: the
    /// system's proxy settings and the `HTTPS_PROXY`/`NO_PROXY` environment variables.
    pub https_proxy: String,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            hxrun_path: r"C:\Program Files (x86)\HAMILTON\Bin\HxRun.exe".to_owned(),
            hxrun_args: "{method} -r -t".to_owned(),
            methods_folder: r"C:\Program Files (x86)\HAMILTON\Methods".to_owned(),
            log_folder: r"C:\Program Files (x86)\HAMILTON\LogFiles".to_owned(),
            max_concurrent_runs: 1,
            robot_process_names: vec!["HxRun.exe".to_owned()],
            stuck_threshold_minutes: 15,
            simulation: false,
            methods_folder_only: true,
            log_level: LogLevel::Info,
            backup_keep: crate::backup::DEFAULT_KEEP as u32,
            https_proxy: String::new(),
        }
    }
}

/// How much goes into Deckhand's log files, least to most.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    TS,
    Display,
    EnumString,
    EnumIter,
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
#[ts(export)]
pub enum LogLevel {
    /// Only what went wrong.
    Error,
    /// What went wrong and what may need a look.
    Warn,
    /// What the scheduler does (runs launched, their outcomes, alerts sent): the usual.
    #[default]
    Info,
    /// Every decision in detail, for a support request.
    Debug,
    /// Everything, from the libraries Deckhand uses too: large files, for a short while.
    Trace,
}

/// The name of one setting, as the CLI and the store spell it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    Display,
    EnumString,
    EnumIter,
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
#[ts(export)]
pub enum SettingKey {
    HxrunPath,
    HxrunArgs,
    MethodsFolder,
    LogFolder,
    MaxConcurrentRuns,
    RobotProcessNames,
    StuckThresholdMinutes,
    Simulation,
    MethodsFolderOnly,
    LogLevel,
    BackupKeep,
    HttpsProxy,
}

impl SettingKey {
    /// What the setting is for, in a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            SettingKey::HxrunPath => "Path of VENUS's HxRun.exe",
            SettingKey::HxrunArgs => "HxRun arguments; {method} stands for the method file",
            SettingKey::MethodsFolder => "Folder that relative method paths start from",
            SettingKey::LogFolder => "Folder where VENUS writes trace files",
            SettingKey::MaxConcurrentRuns => "How many runs may be in flight at once",
            SettingKey::RobotProcessNames => "Process names that mean the robot is busy",
            SettingKey::StuckThresholdMinutes => {
                "Minutes without trace output before a run is flagged stuck"
            }
            SettingKey::Simulation => "Runs go to the VENUS simulator, not the robot (true/false)",
            SettingKey::MethodsFolderOnly => {
                "Only methods inside the methods folder may be scheduled and run (true/false)"
            }
            SettingKey::LogLevel => {
                "How much goes into the log files: error, warn, info, debug or trace"
            }
            SettingKey::BackupKeep => "How many daily backups are kept (1 to 365)",
            SettingKey::HttpsProxy => {
                "Proxy for chat and webhook messages, e.g. http://proxy.lab.example:3128 (empty: the system's)"
            }
        }
    }
}
