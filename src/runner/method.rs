//! Which file a schedule's method is, and the HxRun command line that runs it.

use std::path::{Path, PathBuf};

use crate::model::AppSettings;

/// Finds the method file: a relative path starts at the methods folder; the file must exist
/// and be a `.med` or `.hsl`. The error says which path and why.
pub fn resolve(method: &str, settings: &AppSettings) -> Result<PathBuf, String> {
    let given = Path::new(method.trim());
    let path = if given.is_absolute() || method.starts_with('\\') {
        given.to_path_buf()
    } else {
        Path::new(&settings.methods_folder).join(given)
    };
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase());
    if !matches!(extension.as_deref(), Some("med" | "hsl")) {
        return Err(format!(
            "{} is not a VENUS method: the file name must end in .med or .hsl",
            path.display()
        ));
    }
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => Ok(path),
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
