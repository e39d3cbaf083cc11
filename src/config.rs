//! Where Deckhand keeps its files.

use std::path::PathBuf;

use directories::ProjectDirs;

/// The environment variable that names the database file, for scripts and tests.
pub const DB_ENV: &str = "DECKHAND_DB";

/// The database file's name inside the data folder.
pub const DB_FILE: &str = "deckhand.sqlite3";

/// Why Deckhand could not work out where its files go.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The operating system reported no home or data folder for this user.
    #[error(
        "Deckhand could not find your user data folder; give the database file with --db PATH or the {DB_ENV} environment variable."
    )]
    NoDataFolder,
}

/// The user's data folder for Deckhand: `%APPDATA%\Deckhand\data` on Windows,
/// `~/.local/share/deckhand` on Linux. One folder named after the program, as Windows programs
/// conventionally have (`ProjectDirs::from` with an organisation would nest it:
/// `Deckhand\Deckhand\data`).
pub fn data_dir() -> Result<PathBuf, ConfigError> {
    let project = if cfg!(windows) {
        "Deckhand"
    } else {
        "deckhand"
    };
    ProjectDirs::from_path(PathBuf::from(project))
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or(ConfigError::NoDataFolder)
}

/// The database path: `explicit` (from `--db`), else `$DECKHAND_DB`, else the data folder.
pub fn resolve_db_path(explicit: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    if let Some(path) = explicit {
        return Ok(path);
    }
    if let Some(path) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    Ok(data_dir()?.join(DB_FILE))
}

/// Where the log files of the program working on the database at `db` go: `logs` beside it.
pub fn log_folder(db: &std::path::Path) -> std::path::PathBuf {
    db.parent()
        .unwrap_or(std::path::Path::new("."))
        .join("logs")
}

/// Deckhand's own files readable by the user only: on Unix, folders 0700 and files 0600; on
/// Windows, an access list of the user, SYSTEM and the Administrators alone, which a folder
/// passes on to what is made in it (`private/windows.rs`). A path that exists already and is
/// open to others is tightened, and a sentence says so (for the log).
pub mod private {
    use std::io;
    use std::path::Path;

    #[cfg(windows)]
    mod windows;

    /// The mode of Deckhand's folders (Unix).
    pub const FOLDER_MODE: u32 = 0o700;
    /// The mode of Deckhand's files (Unix).
    pub const FILE_MODE: u32 = 0o600;

    /// Creates `folder` and any missing parents, each readable by the user only. Returns
    /// whether `folder` itself was created.
    pub fn create_folder(folder: &Path) -> io::Result<bool> {
        if folder.is_dir() {
            return Ok(false);
        }
        // The folders to be made, outermost first: each is made private.
        #[cfg(windows)]
        let missing: Vec<&Path> = {
            let mut missing: Vec<&Path> = folder
                .ancestors()
                .take_while(|f| !f.as_os_str().is_empty() && !f.exists())
                .collect();
            missing.reverse();
            missing
        };
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, FOLDER_MODE);
        builder.create(folder)?;
        #[cfg(windows)]
        for made in missing {
            windows::restrict(made, true)?;
        }
        Ok(true)
    }

    /// Creates `file` empty, readable by the user only, unless it exists.
    pub fn create_file(file: &Path) -> io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
        match options.open(file) {
            #[cfg(windows)]
            Ok(_) => windows::restrict(file, false),
            #[cfg(not(windows))]
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Tightens an existing folder to 0700. A shared folder (sticky bit, like /tmp) and one
    /// that belongs to someone else are left alone. `None` when nothing changed (or it is
    /// missing).
    pub fn tighten_folder(folder: &Path) -> io::Result<Option<String>> {
        tighten(folder, FOLDER_MODE)
    }

    /// Tightens an existing file to 0600; as [`tighten_folder`].
    pub fn tighten_file(file: &Path) -> io::Result<Option<String>> {
        tighten(file, FILE_MODE)
    }

    #[cfg(unix)]
    fn tighten(path: &Path, mode: u32) -> io::Result<Option<String>> {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let was = meta.mode() & 0o7777;
        let loose = was & 0o777 & !mode != 0;
        let shared = meta.is_dir() && was & 0o1000 != 0;
        let others = meta.uid() != rustix::process::geteuid().as_raw();
        if meta.file_type().is_symlink() || shared || others || !loose {
            return Ok(None);
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        Ok(Some(format!(
            "{} could be read by other users (mode {was:04o}); it is now readable by this user only ({mode:04o})",
            path.display()
        )))
    }

    #[cfg(windows)]
    fn tighten(path: &Path, _mode: u32) -> io::Result<Option<String>> {
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        if meta.file_type().is_symlink() || !windows::is_open_to_others(path)? {
            return Ok(None);
        }
        windows::restrict(path, meta.is_dir())?;
        Ok(Some(format!(
            "{} could be read by other users; it is now readable by this user only (and by the PC's administrators)",
            path.display()
        )))
    }

    #[cfg(not(any(unix, windows)))]
    fn tighten(_path: &Path, _mode: u32) -> io::Result<Option<String>> {
        Ok(None)
    }

    /// Whether someone other than the user (and, on Windows, SYSTEM and the Administrators)
    /// may open `path`.
    pub fn open_to_others(path: &Path) -> io::Result<bool> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Ok(std::fs::metadata(path)?.mode() & 0o077 != 0)
        }
        #[cfg(windows)]
        {
            windows::is_open_to_others(path)
        }
        #[cfg(not(any(unix, windows)))]
        {
            std::fs::metadata(path).map(|_| false)
        }
    }

    /// Sets `path`'s access list to the one written in `sddl`, Windows' security descriptor
    /// text (for tests that need a file open to others, as a shared folder's would be).
    #[cfg(windows)]
    pub fn set_access_list(path: &Path, sddl: &str) -> io::Result<()> {
        windows::apply(path, sddl)
    }

    /// From now on, files and folders this program creates are readable by the user only
    /// (umask 077 on Unix): log files the logger rotates in later, the engine lock, the
    /// window's own files. The programs Deckhand starts inherit it.
    pub fn restrict_new_files() {
        #[cfg(unix)]
        {
            use rustix::fs::Mode;
            let old = rustix::process::umask(Mode::from_raw_mode(0o077));
            rustix::process::umask(old | Mode::from_raw_mode(0o077));
        }
    }
}
