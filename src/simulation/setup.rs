//! The first start on a machine without VENUS: point Deckhand at the simulator, its demo
//! methods and its own log folder, and say so.

use std::path::{Path, PathBuf};

use crate::model::{AppSettings, SettingKey};
use crate::store::{Store, StoreError};

use super::{DEMO_METHODS, PROGRAM};

/// Who the first-start settings are recorded as.
pub const ACTOR: &str = "Deckhand (first start)";

/// What the first-start check found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstStart {
    /// Settings were chosen before (by a person, or an earlier first start): left alone.
    AlreadySetUp,
    /// VENUS is installed (HxRun.exe is where the settings say): nothing to do.
    VenusFound,
    /// Simulation was set up with these folders.
    Simulation { methods: PathBuf, logs: PathBuf },
    /// VENUS is missing and so is the simulator program: nothing could be set up.
    NoSimulator { looked_for: PathBuf },
}

/// Where the simulator program is: beside the running program.
pub fn simulator_beside(program: &Path) -> PathBuf {
    program.parent().unwrap_or(Path::new(".")).join(PROGRAM)
}

/// Whether `hxrun_path` names Deckhand's simulator (by its file name, either separator, any
/// case) rather than HxRun: what "simulation" must mean before Deckhand says so.
pub fn is_simulator(hxrun_path: &str) -> bool {
    let name = hxrun_path.rsplit(['\\', '/']).next().unwrap_or(hxrun_path);
    let stem = name
        .strip_suffix(".exe")
        .or_else(|| name.strip_suffix(".EXE"))
        .unwrap_or(name);
    stem.eq_ignore_ascii_case("deckhand-sim")
}

/// On the first start (the HxRun path was never set), when HxRun is not where the settings
/// say, sets up simulation: demo methods in `<data>/Demo methods`, traces in
/// `<data>/Simulator LogFiles`, the simulator as "HxRun", and `simulation = true`.
pub fn first_start(
    store: &mut Store,
    data_dir: &Path,
    simulator: &Path,
) -> Result<FirstStart, StoreError> {
    if store.setting_changed_at(SettingKey::HxrunPath)?.is_some() || store.settings()?.simulation {
        return Ok(FirstStart::AlreadySetUp);
    }
    if Path::new(&AppSettings::default().hxrun_path).exists() {
        return Ok(FirstStart::VenusFound);
    }
    if !simulator.is_file() {
        return Ok(FirstStart::NoSimulator {
            looked_for: simulator.to_path_buf(),
        });
    }
    let methods = data_dir.join("Demo methods");
    let logs = data_dir.join("Simulator LogFiles");
    let io = |path: &Path, e: std::io::Error| StoreError::Folder {
        path: path.to_path_buf(),
        source: e,
    };
    std::fs::create_dir_all(&methods).map_err(|e| io(&methods, e))?;
    std::fs::create_dir_all(&logs).map_err(|e| io(&logs, e))?;
    for (name, text) in DEMO_METHODS {
        let path = methods.join(name);
        if !path.exists() {
            std::fs::write(&path, text).map_err(|e| io(&path, e))?;
        }
    }
    let text = |p: &Path| p.to_string_lossy().into_owned();
    store.set_setting(SettingKey::MethodsFolder, &text(&methods), ACTOR)?;
    store.set_setting(SettingKey::LogFolder, &text(&logs), ACTOR)?;
    store.set_setting(
        SettingKey::HxrunArgs,
        "{method} -r -t --log-folder {log_folder}",
        ACTOR,
    )?;
    store.set_setting(SettingKey::RobotProcessNames, PROGRAM, ACTOR)?;
    // Last, and together, so an interrupted first start is simply done again next time.
    store.set_settings(
        &[
            (SettingKey::HxrunPath, &text(simulator)),
            (SettingKey::Simulation, "true"),
        ],
        ACTOR,
    )?;
    Ok(FirstStart::Simulation { methods, logs })
}
