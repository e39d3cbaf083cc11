//! Export and import of schedules and contacts: everything a person set survives the move,
//! duplicates are skipped with a line saying so, and a file with any mistake writes nothing and
//! reports every mistake.

use std::path::Path;

use serde_json::{Value, json as j};

use super::{deckhand, json, snapshot, stderr, stdout};

/// A database with every kind of schedule field set, an archived schedule and two contacts.
fn source(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("old-pc.sqlite3");
    crate::support::lab_database(&db);
    json(
        &db,
        &[
            "schedules",
            "add",
            "--name",
            "Nightly prep",
            "--method",
            r"C:\Methods\Prep.med",
            "--daily",
            "--start",
            "2030-01-01T08:00:00Z",
            "--expected-minutes",
            "45",
            "--stuck-minutes",
            "20",
            "--retry-attempts",
            "3",
            "--retry-delay",
            "5",
            "--backoff",
            "exponential",
            "--retry-max-delay",
            "60",
            "--grace",
            "30",
        ],
    );
    json(
        &db,
        &[
            "schedules",
            "add",
            "--name",
            "Wash",
            "--method",
            r"C:\Methods\Wash.med",
            "--weekdays",
            "mon,wed,fri",
            "--at",
            "06:30",
            "--no-catch-up",
            "--paused",
        ],
    );
    let old = json(
        &db,
        &[
            "schedules",
            "add",
            "--name",
            "Old assay",
            "--method",
            r"C:\Methods\Old.med",
            "--every",
            "1.5",
            "--start",
            "2030-01-01T00:00:00Z",
        ],
    );
    json(&db, &["schedules", "archive", old["id"].as_str().unwrap()]);
    json(
        &db,
        &[
            "contacts",
            "add",
            "--name",
            "Ann Lee",
            "--email",
            "ann.lee@lab.example.org",
        ],
    );
    json(
        &db,
        &[
            "contacts",
            "add",
            "--name",
            "Bo Chan",
            "--email",
            "bo@lab.example.org",
            "--events",
            "run_failed,run_aborted",
        ],
    );
    db
}

/// What a person set on a schedule (ids, times and tokens differ between PCs).
fn set_by_a_person(schedule: &Value) -> Value {
    let mut s = schedule.clone();
    for key in ["id", "createdAt", "updatedAt", "nextRun", "lastRun"] {
        s.as_object_mut().unwrap().remove(key);
    }
    s
}

fn all_schedules(db: &Path) -> Vec<Value> {
    let mut list: Vec<Value> = json(db, &["schedules", "list", "--all"])
        .as_array()
        .unwrap()
        .iter()
        .map(set_by_a_person)
        .collect();
    list.sort_by_key(|s| s["name"].as_str().unwrap().to_owned());
    list
}

fn contacts(db: &Path) -> Vec<Value> {
    json(db, &["contacts", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| j!({"name": c["name"], "email": c["email"], "enabled": c["enabled"], "events": c["events"]}))
        .collect()
}

#[test]
fn everything_a_person_set_moves_to_the_new_pc() {
    let dir = tempfile::tempdir().unwrap();
    let old = source(dir.path());
    let file = dir.path().join("move.json");
    let out = deckhand(&old, &["export", "--output", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Exported 3 schedule(s) and 2 contact(s)"));

    let export: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(export["format"], "deckhand-export");
    assert_eq!(export["version"], 1);
    let text = export.to_string();
    for absent in ["\"runs\"", "password", "\"id\"", "updatedAt"] {
        assert!(!text.contains(absent), "{absent} is not exported: {text}");
    }

    let new = dir.path().join("new-pc.sqlite3");

    crate::support::lab_database(&new);
    let report = json(&new, &["import", file.to_str().unwrap()]);
    assert_eq!(report["schedulesAdded"].as_array().unwrap().len(), 3);
    assert_eq!(report["contactsAdded"].as_array().unwrap().len(), 2);
    assert_eq!(report["skipped"].as_array().unwrap().len(), 0);
    assert_eq!(
        all_schedules(&new),
        all_schedules(&old),
        "every field, archived too"
    );
    assert_eq!(contacts(&new), contacts(&old), "with their event choices");

    let audit = json(&new, &["audit"]);
    let imported = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["detail"].as_str().unwrap().starts_with("imported") && e["actor"] == "ops-test"
        })
        .count();
    assert_eq!(imported, 5, "each record audited: {audit:#}");

    // Export to standard output is the same document.
    let printed: Value = serde_json::from_slice(&deckhand(&old, &["export"]).stdout).unwrap();
    assert_eq!(printed["schedules"], export["schedules"]);
}

#[test]
fn duplicates_are_skipped_with_a_line_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let old = source(dir.path());
    let file = dir.path().join("move.json");
    deckhand(&old, &["export", "--output", file.to_str().unwrap()]);
    let new = dir.path().join("new-pc.sqlite3");
    crate::support::lab_database(&new);
    json(&new, &["import", file.to_str().unwrap()]);
    let before = snapshot(&new);

    let out = deckhand(&new, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Added 0 schedule(s) and 0 contact(s)"),
        "{text}"
    );
    assert!(
        text.contains("skipped schedule 'Nightly prep' (C:\\Methods\\Prep.med): a schedule with this name and method exists already"),
        "{text}"
    );
    assert!(
        text.contains("skipped contact Ann Lee <ann.lee@lab.example.org>: a contact with this address exists already"),
        "{text}"
    );
    assert_eq!(text.matches("skipped").count(), 5);
    assert_eq!(
        snapshot(&new),
        before,
        "nothing written, not even audit lines"
    );

    // The same name with another method is another schedule; an address in other case is the
    // same contact.
    let mut export: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    export["schedules"][0]["methodPath"] = j!(r"C:\Methods\Prep2.med");
    export["contacts"][0]["email"] = j!("ANN.LEE@lab.example.org");
    std::fs::write(&file, export.to_string()).unwrap();
    let report = json(&new, &["import", file.to_str().unwrap()]);
    assert_eq!(report["schedulesAdded"], j!(["Nightly prep"]));
    assert_eq!(report["contactsAdded"], j!([]));
}

#[test]
fn a_dry_run_checks_and_reports_but_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let old = source(dir.path());
    let file = dir.path().join("move.json");
    deckhand(&old, &["export", "--output", file.to_str().unwrap()]);
    let new = dir.path().join("new-pc.sqlite3");
    crate::support::lab_database(&new);
    json(&new, &["info"]);
    let before = snapshot(&new);
    let out = deckhand(&new, &["import", file.to_str().unwrap(), "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("Would add 3 schedule(s) and 2 contact(s) (dry run: nothing was written)")
    );
    assert_eq!(snapshot(&new), before);
}

#[test]
fn a_file_with_mistakes_writes_nothing_and_names_every_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new-pc.sqlite3");
    crate::support::lab_database(&db);
    json(
        &db,
        &[
            "contacts",
            "add",
            "--name",
            "Someone",
            "--email",
            "someone@lab.example.org",
        ],
    );
    let before = snapshot(&db);
    let file = dir.path().join("bad.json");
    let write = |value: Value| std::fs::write(&file, value.to_string()).unwrap();
    let good_schedule = j!({
        "name": "Fine", "methodPath": r"C:\Methods\Fine.med",
        "recurrence": {"kind": "daily", "start": "2030-01-01T08:00:00Z"}
    });
    write(j!({
        "format": "deckhand-export", "version": 1,
        "schedules": [
            good_schedule,
            {"name": "  ", "methodPath": r"C:\Methods\A.med",
             "recurrence": {"kind": "daily", "start": "2030-01-01T08:00:00Z"}},
            {"name": "Bad method", "methodPath": r"C:\Methods\notes.txt",
             "recurrence": {"kind": "interval", "hours": -2, "start": "2030-01-01T08:00:00Z"}}
        ],
        "contacts": [
            {"name": "Ok", "email": "ok@lab.example.org", "enabled": true, "events": []},
            {"name": "No address", "email": "not-an-address", "enabled": true, "events": []}
        ]
    }));
    let out = deckhand(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("4 things are wrong; nothing was saved"),
        "{err}"
    );
    assert!(err.contains("Schedule 2"), "{err}");
    assert!(err.contains("Schedule 3 ('Bad method')"), "{err}");
    assert!(err.contains("Contact 2 ('No address')"), "{err}");
    assert_eq!(snapshot(&db), before, "nothing written");

    let out = deckhand(&db, &["--json", "import", file.to_str().unwrap()]);
    let error: Value = serde_json::from_slice(&out.stderr).unwrap();
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"schedules[1].name"), "{fields:?}");
    assert!(fields.contains(&"contacts[1].email"), "{fields:?}");

    for (value, says) in [
        (
            j!({"format": "something-else", "version": 1}),
            "not a Deckhand export",
        ),
        (j!({"format": "deckhand-export", "version": 7}), "version 7"),
        (j!({"schedules": []}), "not a Deckhand export file"),
        (j!([1, 2, 3]), "not a Deckhand export file"),
    ] {
        write(value);
        let out = deckhand(&db, &["import", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
    }
    std::fs::write(&file, "{ not json").unwrap();
    assert_eq!(
        deckhand(&db, &["import", file.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    let missing = deckhand(
        &db,
        &["import", dir.path().join("nope.json").to_str().unwrap()],
    );
    assert_eq!(missing.status.code(), Some(3));
    assert_eq!(snapshot(&db), before, "nothing written");
}

#[test]
fn a_past_one_off_schedule_imports_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new-pc.sqlite3");
    crate::support::lab_database(&db);
    let file = dir.path().join("once.json");
    std::fs::write(
        &file,
        j!({"format": "deckhand-export", "version": 1, "schedules": [
            {"name": "Done once", "methodPath": r"C:\Methods\Once.med",
             "recurrence": {"kind": "once", "at": "2021-03-04T10:00:00Z"}, "archived": true}
        ]})
        .to_string(),
    )
    .unwrap();
    let report = json(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(report["schedulesAdded"], j!(["Done once"]));
    let list = json(&db, &["schedules", "list", "--all"]);
    assert_eq!(list[0]["archived"], true);
    assert_eq!(list[0]["recurrence"]["at"], "2021-03-04T10:00:00Z");
}
