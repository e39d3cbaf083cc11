//! The page can reach only Deckhand's own commands, under a strict CSP, with no remote
//! content: checked in the files that decide it (`build.rs`'s command list, the capabilities,
//! `tauri.conf.json`). `tests/e2e/security.py` checks the same in the real window.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The core permissions the page may have besides Deckhand's commands: listening to the
/// engine's events.
const CORE: &[&str] = &["core:event:allow-listen", "core:event:allow-unlisten"];

fn crate_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(crate_file(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The quoted names in the first `[ … ]` after `start` in `text`.
fn quoted_list(text: &str, start: &str) -> Vec<String> {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} not found"))
        + start.len();
    let list = &text[from..from + text[from..].find(']').expect("the list ends")];
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The commands `build.rs` lists in the app manifest.
fn manifest_commands() -> Vec<String> {
    let commands = quoted_list(&read("build.rs"), ".commands(&[");
    assert!(
        commands.len() > 30,
        "build.rs lists the commands: {commands:?}"
    );
    commands
}

/// The commands `lib.rs` registers with the invoke handler.
fn registered_commands() -> BTreeSet<String> {
    let lib = read("src/lib.rs");
    let from = lib.find("generate_handler![").expect("an invoke handler");
    let list = &lib[from..from + lib[from..].find(']').unwrap()];
    list.split("commands::")
        .skip(1)
        .map(|rest| {
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

fn capabilities() -> Vec<(PathBuf, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(crate_file("capabilities")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let value = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => serde_json::from_str(&text).unwrap(),
            other => panic!(
                "{}: only JSON capabilities are expected here (found {other:?}); check it too",
                path.display()
            ),
        };
        out.push((path, value));
    }
    assert!(!out.is_empty(), "there is a capability");
    out
}

/// The permission names a capability grants (a string, or an object with an identifier).
fn granted(capability: &Value) -> Vec<String> {
    capability["permissions"]
        .as_array()
        .expect("a permissions list")
        .iter()
        .map(|p| match p {
            Value::String(s) => s.clone(),
            other => other["identifier"]
                .as_str()
                .expect("a permission identifier")
                .to_owned(),
        })
        .collect()
}

#[test]
fn every_registered_command_is_in_the_manifest_and_no_other() {
    let manifest: BTreeSet<String> = manifest_commands().into_iter().collect();
    assert_eq!(
        registered_commands(),
        manifest,
        "lib.rs's invoke handler and build.rs's command list name the same commands"
    );
}

#[test]
fn capabilities_grant_only_deckhands_commands_and_event_listening() {
    let mut allowed: BTreeSet<String> = manifest_commands()
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    let commands = allowed.clone();
    allowed.extend(CORE.iter().map(|p| (*p).to_owned()));
    let mut all_granted = BTreeSet::new();
    for (path, capability) in capabilities() {
        let name = path.display();
        assert!(
            capability.get("remote").is_none(),
            "{name}: no remote URL may reach the commands"
        );
        assert_eq!(
            capability["windows"],
            serde_json::json!(["main"]),
            "{name}: for the main window only"
        );
        assert!(
            capability.get("webviews").is_none() && capability.get("platforms").is_none(),
            "{name}: no extra webviews or platform-specific grants"
        );
        for permission in granted(&capability) {
            for plugin in ["fs:", "shell:", "http:", "opener:", "dialog:", "process:"] {
                assert!(
                    !permission.starts_with(plugin),
                    "{name}: the page gets no {plugin} permission ({permission})"
                );
            }
            assert!(
                !permission.ends_with(":default") && permission != "core:default",
                "{name}: no default sets, which grant more than their name says ({permission})"
            );
            assert!(
                allowed.contains(&permission),
                "{name}: {permission} is neither a Deckhand command nor event listening"
            );
            all_granted.insert(permission);
        }
    }
    let missing: Vec<_> = commands.difference(&all_granted).collect();
    assert!(
        missing.is_empty(),
        "every Deckhand command is granted (else the UI breaks): {missing:?}"
    );
}

/// `tauri.conf.json`'s CSP as directive → sources.
fn csp(conf: &Value) -> Vec<(String, Vec<String>)> {
    match &conf["app"]["security"]["csp"] {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let sources = match v {
                    Value::String(s) => s.split_whitespace().map(str::to_owned).collect(),
                    Value::Array(a) => a
                        .iter()
                        .map(|s| s.as_str().expect("a source").to_owned())
                        .collect(),
                    other => panic!("{k}: {other}"),
                };
                (k.clone(), sources)
            })
            .collect(),
        Value::String(s) => s
            .split(';')
            .filter(|d| !d.trim().is_empty())
            .map(|d| {
                let mut words = d.split_whitespace().map(str::to_owned);
                (words.next().unwrap(), words.collect())
            })
            .collect(),
        other => panic!("a CSP is set in tauri.conf.json (found {other})"),
    }
}

#[test]
fn the_csp_is_strict_and_names_no_remote_host() {
    let conf: Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    let csp = csp(&conf);
    let get = |name: &str| {
        csp.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("the CSP sets {name}"))
    };
    assert_eq!(get("default-src"), ["'self'"]);
    assert_eq!(get("script-src"), ["'self'"], "scripts from the app only");
    assert_eq!(get("object-src"), ["'none'"]);
    assert_eq!(get("base-uri"), ["'none'"]);
    assert_eq!(get("frame-ancestors"), ["'none'"]);
    // What Tauri's IPC needs; it never leaves the machine.
    let ipc = ["ipc:", "http://ipc.localhost"];
    for (directive, sources) in &csp {
        for source in sources {
            let ok = match source.as_str() {
                "'self'" | "'none'" => true,
                // Mantine sets inline styles; styles cannot run code.
                "'unsafe-inline'" => directive == "style-src",
                s if directive == "connect-src" => ipc.contains(&s),
                _ => false,
            };
            assert!(
                ok,
                "{directive} allows {source}: no eval, no remote host, no wildcard or data: source"
            );
        }
    }
    // Tauri adds nonces and hashes for its own scripts unless told not to: only style-src may
    // be left as written.
    assert_eq!(
        conf["app"]["security"]["dangerousDisableAssetCspModification"],
        serde_json::json!(["style-src"])
    );
    assert!(
        conf["app"]
            .get("withGlobalTauri")
            .is_none_or(|v| v == false),
        "no global Tauri API object for any script on the page"
    );
    for window in conf["app"]["windows"].as_array().unwrap() {
        assert!(
            window.get("url").is_none_or(|u| {
                let u = u.as_str().unwrap_or_default();
                !u.contains("://") || u.starts_with("tauri://")
            }),
            "windows show the bundled UI, never a remote page: {window}"
        );
    }
    assert!(
        conf["app"]["security"]
            .get("dangerousRemoteDomainIpcAccess")
            .is_none()
            && conf
                .get("plugins")
                .is_none_or(|p| p.as_object().is_some_and(|o| o.is_empty())),
        "no remote IPC access and no plugin configuration that opens scopes"
    );
    // The app is built from the bundled files, never a dev server's URL.
    assert!(
        conf["build"]["frontendDist"]
            .as_str()
            .is_some_and(|d| !d.contains("://")),
        "frontendDist is a folder"
    );
}
