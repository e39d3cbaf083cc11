//! How much space is free on the disk, or network share, that holds a path: asked of the
//! operating system for that path itself, so it works for any drive letter, mount or UNC share
//! (a list of disks and their mount points does not know `\\server\share` or Wine's `Z:`).

use std::path::Path;

/// Bytes free for this user on the disk holding `path` (an existing file or folder), or `None`
/// when the operating system cannot tell.
pub fn available(path: &Path) -> Option<u64> {
    platform::available(path)
}

#[cfg(unix)]
mod platform {
    use std::path::Path;

    pub fn available(path: &Path) -> Option<u64> {
        let stats = rustix::fs::statvfs(path).ok()?;
        Some(stats.f_bavail.saturating_mul(stats.f_frsize))
    }
}

#[cfg(windows)]
mod platform {
    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;

    use windows_sys::Win32::Storage::FileSystem::GetDiskFreeSpaceExW;

    pub fn available(path: &Path) -> Option<u64> {
        let wide: Vec<u16> = path.as_os_str().encode_wide().chain(Some(0)).collect();
        let mut free: u64 = 0;
        // SAFETY: `wide` is a NUL-terminated UTF-16 string that outlives the call; the one
        // out-pointer is a valid u64, the other two may be null.
        let ok = unsafe {
            GetDiskFreeSpaceExW(
                wide.as_ptr(),
                &mut free,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        (ok != 0).then_some(free)
    }
}

#[cfg(not(any(unix, windows)))]
mod platform {
    pub fn available(_path: &std::path::Path) -> Option<u64> {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_folder_has_free_space_and_a_missing_one_says_unknown() {
        let dir = tempfile::tempdir().unwrap();
        assert!(super::available(dir.path()).is_some_and(|bytes| bytes > 0));
        assert_eq!(super::available(&dir.path().join("not there")), None);
    }
}
