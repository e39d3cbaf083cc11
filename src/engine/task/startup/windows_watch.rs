//! Watching the database's folder on Windows without waking while nothing changes.
//!
//! `notify`'s Windows back-end waits in 100 ms slices to look for a stop request, so an idle
//! engine woke ten times a second. Here a thread of its own ("deckhand-db-watch") keeps one
//! `ReadDirectoryChangesW` outstanding on the folder and waits for it with no timeout. The
//! read is overlapped only so that the thread can report the first one in place before
//! [`FolderWatcher::start`] returns (a folder records changes only from its first read on,
//! so a change made between the start and a first read issued later would be missed); the
//! thread still just blocks until it completes. Dropping the watcher sets a flag and cancels
//! the read (`CancelIoEx`), again and again until the thread says it has ended (a cancel
//! landing just before the thread's next read finds nothing to cancel), then joins it. The
//! folder's handle is closed only once no thread can be using it, and a read's buffer is
//! freed only once the read has completed.

use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use log::warn;
use windows_sys::Win32::Foundation::{
    ERROR_NOTIFY_ENUM_DIR, ERROR_OPERATION_ABORTED, HANDLE, INVALID_HANDLE_VALUE,
};
use windows_sys::Win32::Storage::FileSystem::{
    CreateFileW, FILE_ACTION_REMOVED, FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OVERLAPPED,
    FILE_LIST_DIRECTORY, FILE_NOTIFY_CHANGE_FILE_NAME, FILE_NOTIFY_CHANGE_LAST_WRITE,
    FILE_NOTIFY_CHANGE_SIZE, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_EXISTING,
    ReadDirectoryChangesW,
};
use windows_sys::Win32::System::IO::{CancelIoEx, GetOverlappedResult, OVERLAPPED};
use windows_sys::Win32::System::Threading::CreateEventW;

/// What wakes the watcher: a file created, deleted or renamed, written or resized.
const FILTER: u32 =
    FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_FILE_NAME;

/// The buffer for one batch of changes, in 32-bit words (the records are DWORD-aligned):
/// 16 KiB. Should more changes pile up between two reads, the read reports an overflow,
/// which counts as a change.
const BUFFER_WORDS: usize = 4096;

/// How long dropping the watcher keeps cancelling its read before leaving the thread behind
/// (it never should: a cancelled read completes at once).
const GIVE_UP: Duration = Duration::from_secs(5);

/// How often dropping the watcher cancels the read again while the thread has not ended.
const CANCEL_EVERY: Duration = Duration::from_millis(10);

/// A folder being watched by a thread of its own; dropping it stops the thread.
pub(super) struct FolderWatcher {
    /// Set when the watcher is dropped: the thread ends when its read next completes.
    stop: Arc<AtomicBool>,
    /// The folder, opened for `ReadDirectoryChangesW`. The thread holds the other reference:
    /// the handle is closed when both are gone, so never while a read may use it.
    folder: Arc<OwnedHandle>,
    /// `None` once joined (or left behind).
    thread: Option<JoinHandle<()>>,
    /// Disconnected when the thread has ended (it drops the sender as it returns).
    ended: mpsc::Receiver<()>,
}

impl FolderWatcher {
    /// Starts watching `folder` (not its subfolders); calls `changed` on the watcher's thread
    /// each time a file whose name starts with `name` (compared without regard to case, as
    /// Windows names are) is created, written, resized or renamed, or when so much changed
    /// that the system dropped the details. Changes are recorded from the moment it returns.
    pub(super) fn start(
        folder: &Path,
        name: String,
        changed: impl Fn() + Send + 'static,
    ) -> io::Result<FolderWatcher> {
        let folder = Arc::new(open_folder(folder)?);
        let stop = Arc::new(AtomicBool::new(false));
        let (done, ended) = mpsc::channel::<()>();
        let (armed, first_read) = mpsc::channel::<io::Result<()>>();
        let thread = {
            let folder = Arc::clone(&folder);
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("deckhand-db-watch".into())
                .spawn(move || {
                    let _done = done;
                    watch(folder, &stop, &name.to_lowercase(), changed, armed);
                })?
        };
        let watcher = FolderWatcher {
            stop,
            folder,
            thread: Some(thread),
            ended,
        };
        match first_read.recv() {
            Ok(Ok(())) => Ok(watcher),
            // The thread has ended or is ending: dropping the watcher joins it.
            Ok(Err(e)) => Err(e),
            Err(mpsc::RecvError) => Err(io::Error::other(
                "the watcher's thread ended before its first read",
            )),
        }
    }
}

impl Drop for FolderWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let Some(thread) = self.thread.take() else {
            return;
        };
        let started = Instant::now();
        loop {
            // SAFETY: `self.folder` keeps the folder's handle open; a null OVERLAPPED cancels
            // every read pending on that handle, all of them the watcher thread's, which waits
            // for the cancelled read to complete before it touches or frees its buffer.
            unsafe { CancelIoEx(self.folder.as_raw_handle(), std::ptr::null()) };
            match self.ended.recv_timeout(CANCEL_EVERY) {
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if started.elapsed() >= GIVE_UP {
                // Left running, it holds its own reference to the folder's handle: nothing
                // is closed under it.
                warn!(
                    "the database watcher did not stop within {} s; leaving it behind",
                    GIVE_UP.as_secs()
                );
                return;
            }
        }
        if thread.join().is_err() {
            warn!("the database watcher's thread panicked");
        }
    }
}

/// Opens `folder` for overlapped `ReadDirectoryChangesW`, sharing it fully (so nobody is
/// kept from writing, renaming or deleting in it).
fn open_folder(folder: &Path) -> io::Result<OwnedHandle> {
    let folder = std::path::absolute(folder)?;
    let wide: Vec<u16> = folder
        .as_os_str()
        .encode_wide()
        .chain(std::iter::once(0))
        .collect();
    // SAFETY: `wide` is a NUL-terminated UTF-16 path that outlives the call; no security
    // attributes and no template file, both of which may be null.
    let raw = unsafe {
        CreateFileW(
            wide.as_ptr(),
            FILE_LIST_DIRECTORY,
            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
            std::ptr::null(),
            OPEN_EXISTING,
            FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED,
            std::ptr::null_mut(),
        )
    };
    if raw == INVALID_HANDLE_VALUE || raw.is_null() {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `raw` was just opened, is valid, and nothing else owns it.
    Ok(unsafe { OwnedHandle::from_raw_handle(raw) })
}

/// The watcher's thread: issues the first read and says whether that worked (on `armed`),
/// then waits for each read to complete and issues the next, until `stop` is set (or a read
/// fails for another reason than a cancel, which is logged).
fn watch(
    folder: Arc<OwnedHandle>,
    stop: &AtomicBool,
    name: &str,
    changed: impl Fn(),
    armed: mpsc::Sender<io::Result<()>>,
) {
    let first = Read::new(folder).and_then(|mut read| read.start().map(|()| read));
    let mut read = match first {
        Ok(read) => {
            let _ = armed.send(Ok(()));
            read
        }
        Err(e) => {
            let _ = armed.send(Err(e));
            return;
        }
    };
    drop(armed);
    loop {
        let outcome = read.finish();
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match outcome {
            // Nothing returned: the changes overflowed the buffer; something changed.
            Ok(records) if records.is_empty() || touches(&records, name) => changed(),
            Ok(_) => {}
            Err(e) => match e.raw_os_error().and_then(|code| u32::try_from(code).ok()) {
                // Cancelled, but not by the drop (which set `stop` first): read again.
                Some(ERROR_OPERATION_ABORTED) => {}
                // More changed than the buffer holds: something did.
                Some(ERROR_NOTIFY_ENUM_DIR) => changed(),
                _ => {
                    warn!(
                        "stopped watching the database's folder for changes by other programs: {e}"
                    );
                    return;
                }
            },
        }
        if let Err(e) = read.start() {
            warn!("stopped watching the database's folder for changes by other programs: {e}");
            return;
        }
    }
}

/// One `ReadDirectoryChangesW` at a time on the folder. The system writes into the buffer
/// and the `OVERLAPPED` until the read completes, so both live on the heap, untouched while
/// a read is pending, and are freed only after it completed (`Drop` cancels and waits).
struct Read {
    folder: Arc<OwnedHandle>,
    buffer: Box<[u32]>,
    overlapped: Box<OVERLAPPED>,
    /// Signalled when the read completes.
    event: OwnedHandle,
    pending: bool,
}

impl Read {
    fn new(folder: Arc<OwnedHandle>) -> io::Result<Read> {
        // SAFETY: no security attributes and no name, both of which may be null; a
        // manual-reset event, not signalled.
        let raw: HANDLE = unsafe { CreateEventW(std::ptr::null(), 1, 0, std::ptr::null()) };
        if raw.is_null() {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `raw` was just created, is valid, and nothing else owns it.
        let event = unsafe { OwnedHandle::from_raw_handle(raw) };
        Ok(Read {
            folder,
            buffer: vec![0u32; BUFFER_WORDS].into_boxed_slice(),
            overlapped: Box::default(),
            event,
            pending: false,
        })
    }

    /// Issues the next read; it completes when something changes (or it is cancelled).
    fn start(&mut self) -> io::Result<()> {
        assert!(!self.pending, "one read at a time");
        *self.overlapped = OVERLAPPED {
            hEvent: self.event.as_raw_handle(),
            ..OVERLAPPED::default()
        };
        let length = u32::try_from(self.buffer.len() * 4).expect("16 KiB fits in a u32");
        // SAFETY: the folder's handle (opened for overlapped I/O) and the event stay open
        // while `self` lives; the buffer (DWORD-aligned, writable, `length` bytes) and the
        // OVERLAPPED are heap allocations owned by `self` that are neither moved, read nor
        // freed until the read has completed (`finish` or `Drop` waits for it); the bytes
        // returned are reported by `GetOverlappedResult`, so that pointer may be null.
        let ok = unsafe {
            ReadDirectoryChangesW(
                self.folder.as_raw_handle(),
                self.buffer.as_mut_ptr().cast(),
                length,
                0,
                FILTER,
                std::ptr::null_mut(),
                &mut *self.overlapped,
                None,
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        self.pending = true;
        Ok(())
    }

    /// Waits, with no timeout, for the pending read to complete; the records it returned.
    fn finish(&mut self) -> io::Result<Vec<u8>> {
        assert!(self.pending, "a read to wait for");
        let mut returned = 0u32;
        // SAFETY: a read is pending on the folder's handle with this OVERLAPPED, both alive;
        // waiting (the last argument) returns only once it has completed.
        let ok = unsafe {
            GetOverlappedResult(
                self.folder.as_raw_handle(),
                &*self.overlapped,
                &mut returned,
                1,
            )
        };
        self.pending = false;
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        let returned = (returned as usize).min(self.buffer.len() * 4);
        let records: Vec<u8> = self
            .buffer
            .iter()
            .take(returned.div_ceil(4))
            .flat_map(|word| word.to_ne_bytes())
            .take(returned)
            .collect();
        Ok(records)
    }
}

impl Drop for Read {
    fn drop(&mut self) {
        if self.pending {
            // SAFETY: the handle and the OVERLAPPED are alive; this cancels only this read.
            unsafe { CancelIoEx(self.folder.as_raw_handle(), &*self.overlapped) };
            let mut returned = 0u32;
            // SAFETY: as in `finish`: returns once the (cancelled) read has completed, after
            // which the system no longer writes to the buffer or the OVERLAPPED.
            unsafe {
                GetOverlappedResult(
                    self.folder.as_raw_handle(),
                    &*self.overlapped,
                    &mut returned,
                    1,
                )
            };
        }
    }
}

/// Whether a batch of `FILE_NOTIFY_INFORMATION` records names a file whose name, in lower
/// case, starts with `name` (already lower case), other than its removal.
fn touches(records: &[u8], name: &str) -> bool {
    let word = |at: usize| {
        records
            .get(at..at + 4)
            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let mut at = 0;
    // Each record: NextEntryOffset, Action, FileNameLength (bytes), then the UTF-16 name.
    while let (Some(next), Some(action), Some(length)) = (word(at), word(at + 4), word(at + 8)) {
        if let Some(bytes) = records.get(at + 12..at + 12 + length) {
            let wide: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|pair| u16::from_ne_bytes([pair[0], pair[1]]))
                .collect();
            if action != FILE_ACTION_REMOVED as usize
                && String::from_utf16_lossy(&wide)
                    .to_lowercase()
                    .starts_with(name)
            {
                return true;
            }
        }
        if next == 0 {
            break;
        }
        at += next;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::DatabaseWatcher;
    use super::*;

    /// One record as `ReadDirectoryChangesW` writes it.
    fn record(action: u32, name: &str, last: bool) -> Vec<u8> {
        let wide: Vec<u8> = name.encode_utf16().flat_map(u16::to_ne_bytes).collect();
        let mut length = 12 + wide.len();
        length += (4 - length % 4) % 4;
        let next = if last { 0 } else { length as u32 };
        let mut out = Vec::new();
        out.extend(next.to_ne_bytes());
        out.extend(action.to_ne_bytes());
        out.extend((wide.len() as u32).to_ne_bytes());
        out.extend(wide);
        out.resize(length, 0);
        out
    }

    #[test]
    fn records_naming_the_database_files_count_except_removals() {
        let mut batch = record(3, "other.txt", false);
        batch.extend(record(3, "X.sqlite3-WAL", true));
        assert!(touches(&batch, "x.sqlite3"));
        assert!(!touches(&record(3, "other.txt", true), "x.sqlite3"));
        assert!(!touches(&record(2, "x.sqlite3-shm", true), "x.sqlite3"));
        assert!(touches(&record(1, "x.sqlite3-shm", true), "x.sqlite3"));
        assert!(!touches(&[1, 2, 3], "x.sqlite3"));
    }

    #[test]
    fn reports_the_database_files_only_and_stops_at_once_when_dropped() {
        let folder = tempfile::tempdir().unwrap();
        let (calls, called) = mpsc::channel::<()>();
        let watcher = DatabaseWatcher::start(folder.path(), "x.sqlite3".to_owned(), move || {
            let _ = calls.send(());
        })
        .expect("the folder can be watched");

        std::fs::write(folder.path().join("x.sqlite3-wal"), b"a page").unwrap();
        called
            .recv_timeout(Duration::from_secs(10))
            .expect("a write to x.sqlite3-wal is reported");
        // The create and the write may come as more than one batch.
        while called.recv_timeout(Duration::from_millis(500)).is_ok() {}

        std::fs::write(folder.path().join("other.txt"), b"not ours").unwrap();
        assert!(
            called.recv_timeout(Duration::from_secs(1)).is_err(),
            "a write to other.txt is not reported"
        );

        // Still watching after the unrelated change.
        std::fs::write(folder.path().join("x.sqlite3"), b"the database").unwrap();
        called
            .recv_timeout(Duration::from_secs(10))
            .expect("a write to x.sqlite3 is reported");

        let started = Instant::now();
        drop(watcher);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "dropping took {:?}",
            started.elapsed()
        );
        // The thread has ended: it dropped the callback, and with it the channel's sender.
        while let Ok(()) = called.try_recv() {}
        assert_eq!(called.try_recv(), Err(mpsc::TryRecvError::Disconnected));
    }
}
