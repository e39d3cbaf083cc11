//! Which file a schedule's method is, and the HxRun command line that runs it.

use std::path::{Component, Path, PathBuf};

use crate::model::AppSettings;

/// The method's path: a relative one starts at the methods folder.
fn located(method: &str, settings: &AppSettings) -> PathBuf {
    let given = Path::new(method.trim());
    if given.is_absolute() || method.trim().starts_with('\\') {
        given.to_path_buf()
    } else {
        Path::new(&settings.methods_folder).join(given)
    }
}

/// Why `method` may not be scheduled or run, when "only methods in the methods folder" is on
/// and it lies outside that folder: a stored schedule must not become "run anything".
/// Where both exist, links are followed (a link in the folder pointing out of it is outside);
/// otherwise the path is compared as written, and a `..` step is outside.
pub fn outside_methods_folder(method: &str, settings: &AppSettings) -> Option<String> {
    if !settings.methods_folder_only {
        return None;
    }
    let path = located(method, settings);
    let folder = Path::new(&settings.methods_folder);
    let inside = match (path.canonicalize(), folder.canonicalize()) {
        (Ok(path), Ok(folder)) => path.starts_with(folder),
        _ => lexically_inside(&path, folder),
    };
    (!inside).then(|| {
        format!(
            "{} is outside the methods folder ({}). Deckhand only runs methods from there: move the method into it, or turn off \"Only methods in the methods folder\" in Settings.",
            path.display(),
            settings.methods_folder
        )
    })
}

fn lexically_inside(path: &Path, folder: &Path) -> bool {
    if path.components().any(|c| c == Component::ParentDir) {
        return false;
    }
    // Windows compares paths without regard to case.
    let parts = |p: &Path| -> Vec<String> {
        p.components()
            .filter(|c| *c != Component::CurDir)
            .map(|c| {
                let part = c.as_os_str().to_string_lossy();
                if cfg!(windows) {
                    part.to_lowercase()
                } else {
                    part.into_owned()
                }
            })
            .collect()
    };
    let (path, folder) = (parts(path), parts(folder));
    path.len() > folder.len() && path.starts_with(&folder)
}

/// Finds the method file: a relative path starts at the methods folder; the file must exist
/// and be a `.med` or `.hsl`, inside the methods folder unless that rule is off. The error says
/// which path and why.
pub fn resolve(method: &str, settings: &AppSettings) -> Result<PathBuf, String> {
    let path = located(method, settings);
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase());
    if !matches!(extension.as_deref(), Some("med" | "hsl")) {
        return Err(format!(
            "{} is not a VENUS method: the file name must end in .med or .hsl",
            path.display()
        ));
    }
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => match outside_methods_folder(method, settings) {
            Some(why) => Err(format!("{why} Not started.")),
            None => Ok(path),
        },
        Ok(_) => Err(format!("{} is a folder, not a method file", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "the method file {} does not exist (is the methods folder {} right, and is its drive connected?)",
            path.display(),
            settings.methods_folder
        )),
        Err(e) => Err(format!(
            "cannot read the method file {}: {e}",
            path.display()
        )),
    }
}

/// HxRun's arguments: the template split at white space, `{method}` and `{log_folder}` each
/// replaced by one whole argument, whatever characters the path holds.
pub fn arguments(template: &str, method: &Path, log_folder: &str) -> Vec<String> {
    template
        .split_whitespace()
        .map(|part| match part {
            "{method}" => method.to_string_lossy().into_owned(),
            "{log_folder}" => log_folder.to_owned(),
            other => other
                .replace("{method}", &method.to_string_lossy())
                .replace("{log_folder}", log_folder),
        })
        .collect()
}

/// A command line as a person would type it: parts with spaces or quotes are quoted.
pub fn display_command(program: &str, arguments: &[String]) -> String {
    std::iter::once(program)
        .chain(arguments.iter().map(String::as_str))
        .map(|part| {
            if part.is_empty() || part.contains([' ', '\t', '"', '\'']) {
                format!("\"{}\"", part.replace('"', "\\\""))
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_outside_the_methods_folder_is_not_started() {
        let dir = tempfile::tempdir().unwrap();
        let methods = dir.path().join("Methods");
        std::fs::create_dir_all(&methods).unwrap();
        std::fs::write(methods.join("In.med"), "").unwrap();
        std::fs::write(dir.path().join("Out.med"), "").unwrap();
        let mut settings = AppSettings {
            methods_folder: methods.to_string_lossy().into_owned(),
            ..AppSettings::default()
        };
        assert_eq!(
            resolve("In.med", &settings).unwrap(),
            methods.join("In.med")
        );
        let out = dir.path().join("Out.med");
        let error = resolve(&out.to_string_lossy(), &settings).unwrap_err();
        assert!(
            error.contains("is outside the methods folder") && error.ends_with("Not started."),
            "{error}"
        );
        // `..` out of the folder, written relative to it.
        assert!(resolve("../Out.med", &settings).is_err());
        settings.methods_folder_only = false;
        assert_eq!(resolve(&out.to_string_lossy(), &settings).unwrap(), out);
    }

    #[test]
    fn odd_paths_stay_one_argument_and_are_quoted_for_people() {
        let method = Path::new(r#"C:\Methods\It's "odd" & | ; $(x).med"#);
        let args = arguments(
            "{method} -r -t --log-folder {log_folder}",
            method,
            r"C:\Logs With Space",
        );
        assert_eq!(
            args,
            [
                method.to_string_lossy().as_ref(),
                "-r",
                "-t",
                "--log-folder",
                r"C:\Logs With Space"
            ]
        );
        let shown = display_command(r"C:\Program Files (x86)\HAMILTON\Bin\HxRun.exe", &args);
        assert!(
            shown.starts_with(
                r#""C:\Program Files (x86)\HAMILTON\Bin\HxRun.exe" "C:\Methods\It's \"odd\""#
            ),
            "{shown}"
        );
    }
}
