//! Hostile input: the values a person (or a pasted document, or an attacker) can type into any
//! field, and a way to prove that refusing them wrote nothing.

use std::path::Path;

/// One hostile text value, with a short label for failure messages.
pub struct Hostile {
    pub label: &'static str,
    pub value: String,
}

fn h(label: &'static str, value: impl Into<String>) -> Hostile {
    Hostile {
        label,
        value: value.into(),
    }
}

/// Values that no single-line text field (a name, a path, an address, a host, an actor) may
/// accept: nothing there, too much, or characters that hide, break lines or flip the text.
pub fn bad_text() -> Vec<Hostile> {
    vec![
        h("empty", ""),
        h("spaces", "   "),
        h("tabs and line breaks only", "\t \r\n \n"),
        h("ideographic space", "\u{3000}\u{3000}"),
        h("zero-width space only", "\u{200B}"),
        h("byte-order mark only", "\u{FEFF}"),
        h("RTL mark only", "\u{200F}"),
        h("100 kB", "x".repeat(100_000)),
        h("100 kB of two-byte characters", "é".repeat(50_000)),
        h(
            "100 kB ending in .med",
            format!("{}.med", "a".repeat(100_000)),
        ),
        h("NUL", "Prep\0Plate.med"),
        h("CR LF", "Prep\r\nPlate.med"),
        h("LF", "Prep\nPlate.med"),
        h("tab", "Prep\tPlate.med"),
        h("escape sequence", "\u{1b}[31mPrep\u{1b}[0m.med"),
        h("DEL", "Prep\u{7f}.med"),
        h("next line (C1)", "Prep\u{85}Plate.med"),
        h("line separator", "Prep\u{2028}Plate.med"),
        h("paragraph separator", "Prep\u{2029}Plate.med"),
        h("right-to-left override", "Prep\u{202E}dem.exe.med"),
        h("left-to-right embedding", "Prep\u{202A}x\u{202C}.med"),
        h("right-to-left isolate", "Prep\u{2067}x\u{2069}.med"),
    ]
}

/// Method paths that are not VENUS methods: what HxRun must never be handed.
pub fn not_methods() -> Vec<Hostile> {
    vec![
        h(
            "Windows traversal to cmd.exe",
            r"..\..\Windows\System32\cmd.exe",
        ),
        h("absolute cmd.exe", r"C:\Windows\System32\cmd.exe"),
        h("/etc/passwd", "/etc/passwd"),
        h("Unix traversal", "../../../../etc/passwd"),
        h("chained command", "x.med & calc.exe"),
        h("piped command", "x.med | calc.exe"),
        h("no extension", "Prep"),
        h("extension only in the middle", "Prep.med.exe"),
        h("folder", r"C:\Methods\"),
        h(".med with a trailing dot", "Prep.med."),
    ]
}

/// Method paths a person may legitimately have (odd, but real files can be called this): they
/// must be accepted and reach HxRun as one literal argument.
#[cfg(unix)]
pub fn odd_method_names() -> Vec<&'static str> {
    vec![
        r#""a b".med"#,
        "it's.med",
        "x & calc.exe & .med",
        "$(rm -rf ~).med",
        "`id`.med",
        ";|<>.med",
        "%PATH%.med",
        "!!.med",
        "*.med",
        "?.med",
        "-r.med",
        "{method}.med",
        "a  b.med",
        "Ünïcødé 測試 مرحبا.med",
        "x'; DROP TABLE schedules; --.med",
    ]
}

/// Addresses that are not one plain email address.
pub fn bad_emails() -> Vec<Hostile> {
    vec![
        h("no domain", "ann@"),
        h("no user", "@example.org"),
        h("no @", "ann.example.org"),
        h("no dot in the domain", "ann@example"),
        h("two @", "ann@@example.org"),
        h("double dot", "ann@example..org"),
        h("space inside", "ann smith@example.org"),
        h("display name", "Ann <ann@example.org>"),
        h("angle brackets", "<ann@example.org>"),
        h("two addresses, comma", "ann@example.org, eve@example.org"),
        h(
            "two addresses, semicolon",
            "ann@example.org;eve@example.org",
        ),
        h("IP literal", "ann@[127.0.0.1]"),
        h(
            "header injection CR LF",
            "ann@example.org\r\nBcc: eve@example.org",
        ),
        h(
            "header injection LF",
            "ann@example.org\nBcc: eve@example.org",
        ),
        h("quoted CR LF", "\"ann\r\n eve\"@example.org"),
        h("NUL", "ann\0@example.org"),
        h(
            "right-to-left override",
            "ann\u{202E}gro.elpmaxe@example.org",
        ),
        h("100 kB", format!("{}@example.org", "a".repeat(100_000))),
        h("long domain", format!("ann@{}.org", "a".repeat(100_000))),
    ]
}

/// Numbers as typed: not numbers, not whole, negative, or too big for anything.
pub fn bad_numbers() -> Vec<&'static str> {
    vec![
        "",
        " ",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "infinity",
        "-1",
        "0",
        "-0",
        "1.5",
        "1e308",
        "1e400",
        "4294967296",
        "18446744073709551616",
        "99999999999999999999999999",
        "0x10",
        "١",
        "3 runs",
        "\u{202E}3",
    ]
}

/// Every row of every table, in a stable order: two equal snapshots mean nothing was written.
pub fn snapshot(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("a raw connection");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut rows = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut table_rows: Vec<String> = stmt
            .query_map([], |row| {
                let values: Vec<String> = (0..columns)
                    .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                    .collect();
                Ok(format!("{table}: {}", values.join(" | ")))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        table_rows.sort();
        rows.extend(table_rows);
    }
    rows
}

/// A message a scientist can read: present, short enough to read, and free of characters that
/// could rewrite a terminal or a log line (so a hostile value cannot ride along in it).
pub fn assert_readable(message: &str, context: &str) {
    assert!(!message.trim().is_empty(), "{context}: an empty message");
    let chars = message.chars().count();
    assert!(
        chars <= 600,
        "{context}: a {chars}-character message: {}…",
        message.chars().take(200).collect::<String>()
    );
    assert!(
        !message
            .chars()
            .any(|c| (c.is_control() && c != '\n') || is_bidi_control(c)),
        "{context}: the message carries control characters: {message:?}"
    );
}

/// The invisible characters that reorder how text is shown (Trojan Source).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
