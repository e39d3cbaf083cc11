//! Looking after a Deckhand installation: `backup`, `restore`, `doctor`, `export`, `import`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::{Context, Failure};
use deckhand::backup::{self, BackupError};
use deckhand::doctor::{self, CheckLevel};
use deckhand::store::Export;

#[derive(Args)]
pub struct BackupArgs {
    /// A folder to put the backup in (named with the date and time), or a new file to write
    /// it to [default: a `backups` folder beside the database].
    #[arg(long, value_name = "PATH")]
    to: Option<PathBuf>,
    /// How many backups to keep in the folder; older ones are removed (never with a file
    /// given by --to) [default: the backup_keep setting, 14 unless changed].
    #[arg(long, value_name = "N")]
    keep: Option<usize>,
    /// List the backups instead of making one.
    #[arg(long)]
    list: bool,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// The backup file to restore (e.g. backups/deckhand-2026-11-27-2300.sqlite3).
    file: PathBuf,
}

#[derive(Args)]
pub struct ExportArgs {
    /// Write the export to this file [default: standard output].
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The export file (from `deckhand export` on the other PC).
    file: PathBuf,
    /// Check the file and say what would be added, without adding anything.
    #[arg(long)]
    dry_run: bool,
}

impl Failure {
    fn backup(error: BackupError) -> Failure {
        let code = match &error {
            BackupError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                "not_found"
            }
            e => e.code(),
        };
        Failure::Ops {
            code,
            message: error.to_string(),
        }
    }
}

fn print_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::Output(e.into()))?;
    say!("{text}");
    Ok(())
}

/// `deckhand backup`: needs no open store (it copies the file).
pub fn backup(database: &Path, args: BackupArgs, json: bool) -> Result<(), Failure> {
    let default = backup::default_folder(database);
    if args.list {
        let folder = args.to.unwrap_or(default);
        let files = backup::list(&folder).map_err(Failure::backup)?;
        if json {
            return print_json(&files);
        }
        if files.is_empty() {
            say!("No backups in {}.", folder.display());
        }
        for file in &files {
            say!(
                "{}  {:>10} bytes  {}{}",
                file.taken_at
                    .with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M"),
                file.bytes,
                file.path.display(),
                if file.before_restore {
                    "  (kept before a restore)"
                } else {
                    ""
                }
            );
        }
        return Ok(());
    }
    let keep = args
        .keep
        .unwrap_or_else(|| deckhand::host::backup_keep(database));
    let report = match args.to {
        Some(to) if !to.is_dir() => backup::backup_to_file(database, &to),
        Some(folder) => backup::backup_now(database, &folder, keep),
        None => backup::backup_now(database, &default, keep),
    }
    .map_err(Failure::backup)?;
    if json {
        return print_json(&report);
    }
    say!(
        "Backup written to {} ({} bytes, checked: ok).",
        report.path.display(),
        report.bytes
    );
    for old in &report.removed {
        say!("Removed the older backup {}.", old.display());
    }
    Ok(())
}

/// `deckhand restore FILE`.
pub fn restore(database: &Path, args: RestoreArgs, json: bool) -> Result<(), Failure> {
    let report = backup::restore(database, &args.file, &backup::default_folder(database))
        .map_err(Failure::backup)?;
    if json {
        return print_json(&report);
    }
    say!(
        "Restored {} from {}.",
        report.database.display(),
        report.restored_from.display()
    );
    if let Some(kept) = &report.previous_kept_at {
        say!("The database as it was is kept as {}.", kept.display());
    }
    if report.schema_version_before != report.schema_version {
        say!(
            "Its schema was brought up to date (version {} to {}).",
            report.schema_version_before,
            report.schema_version
        );
    }
    say!("Start Deckhand again (the app or `deckhand run`).");
    Ok(())
}

/// `deckhand doctor`: exit code 1 when any check is an error.
pub fn doctor(database: &Path, json: bool) -> Result<(), Failure> {
    let secrets = deckhand::secrets::Secrets::probe();
    let checks = doctor::run(database, secrets.status(), chrono::Utc::now());
    if json {
        print_json(&checks)?;
    } else {
        for check in &checks {
            say!(
                "{:<8} {:<17} {}",
                check.level.word(),
                check.name,
                check.message
            );
            if let Some(hint) = &check.hint
                && check.level != CheckLevel::Ok
            {
                say!("{:<26} → {hint}", "");
            }
        }
    }
    let errors = checks
        .iter()
        .filter(|c| c.level == CheckLevel::Error)
        .count();
    if errors > 0 {
        return Err(Failure::Ops {
            code: "doctor",
            message: format!(
                "{errors} check{} found a problem that stops Deckhand from working; see above.",
                if errors == 1 { "" } else { "s" }
            ),
        });
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Exported {
    path: PathBuf,
    schedules: usize,
    contacts: usize,
}

/// `deckhand export`: JSON to standard output, or to a file written whole or not at all.
pub fn export(ctx: &mut Context, args: ExportArgs) -> Result<(), Failure> {
    let export = ctx.store.export()?;
    let text = serde_json::to_string_pretty(&export).map_err(|e| Failure::Output(e.into()))?;
    let Some(path) = args.output else {
        say!("{text}");
        return Ok(());
    };
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut file =
        tempfile::NamedTempFile::new_in(&folder).map_err(|e| Failure::File(folder.clone(), e))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| Failure::File(path.clone(), e))?;
    file.persist(&path)
        .map_err(|e| Failure::File(path.clone(), e.error))?;
    let done = Exported {
        path,
        schedules: export.schedules.len(),
        contacts: export.contacts.len(),
    };
    ctx.print(&done, || {
        format!(
            "Exported {} schedule(s) and {} contact(s) to {}. Copy it to the new PC and run `deckhand import {}` there.",
            done.schedules,
            done.contacts,
            done.path.display(),
            done.path.display()
        )
    })
}

/// `deckhand import FILE [--dry-run]`.
pub fn import(ctx: &mut Context, args: ImportArgs) -> Result<(), Failure> {
    let text =
        std::fs::read_to_string(&args.file).map_err(|e| Failure::File(args.file.clone(), e))?;
    let export: Export = serde_json::from_str(&text).map_err(|e| {
        Failure::Input(format!(
            "{} is not a Deckhand export file (from `deckhand export`): {e}",
            args.file.display()
        ))
    })?;
    let report = ctx.store.import(&export, &ctx.actor, args.dry_run)?;
    ctx.print(&report, || {
        let mut lines = Vec::new();
        let verb = if report.dry_run { "Would add" } else { "Added" };
        lines.push(format!(
            "{verb} {} schedule(s) and {} contact(s){}.",
            report.schedules_added.len(),
            report.contacts_added.len(),
            if report.dry_run {
                " (dry run: nothing was written)"
            } else {
                ""
            }
        ));
        for name in &report.schedules_added {
            lines.push(format!("  + schedule '{name}'"));
        }
        for email in &report.contacts_added {
            lines.push(format!("  + contact {email}"));
        }
        for skipped in &report.skipped {
            lines.push(format!("  skipped {skipped}"));
        }
        lines.join("\n")
    })
}
