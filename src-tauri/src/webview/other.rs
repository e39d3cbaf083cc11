//! Telling a person about a missing web view where Deckhand has no native message box of its
//! own (Linux's WebKitGTK is a dependency of the package, so this is a broken install).

/// Writes the message to standard error.
pub fn tell(title: &str, text: &str) {
    eprintln!("deckhand: {title}\n{text}");
}
