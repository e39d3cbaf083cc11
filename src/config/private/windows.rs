//! Deckhand's files private to the user on Windows: a protected access list (nothing inherited
//! from the folder above) giving full control to the user who runs Deckhand, to SYSTEM and to
//! the PC's Administrators, and to nobody else. A folder passes it on to what is created in it.

use std::ffi::OsStr;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::fs::OpenOptionsExt;
use std::os::windows::io::AsRawHandle;
use std::path::Path;
use std::ptr::null_mut;

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, HLOCAL, LocalFree};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW,
    GetNamedSecurityInfoW, SDDL_REVISION_1, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, ACL_SIZE_INFORMATION, AclSizeInformation,
    DACL_SECURITY_INFORMATION, EqualSid, GetAce, GetAclInformation, GetTokenInformation,
    IsWellKnownSid, PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, PSID,
    SetKernelObjectSecurity, TOKEN_QUERY, TOKEN_USER, TokenUser, WinBuiltinAdministratorsSid,
    WinCreatorOwnerSid, WinLocalSystemSid,
};
use windows_sys::Win32::Storage::FileSystem::{
    FILE_FLAG_BACKUP_SEMANTICS, READ_CONTROL, WRITE_DAC,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// `ACCESS_ALLOWED_ACE_TYPE`.
const ACCESS_ALLOWED: u8 = 0;

/// Gives `path` Deckhand's private access list; a folder passes it on to its contents.
pub fn restrict(path: &Path, folder: bool) -> io::Result<()> {
    let user = UserSid::current()?;
    let inherit = if folder { "OICI" } else { "" };
    let sddl = format!(
        "D:P(A;{inherit};FA;;;{sid})(A;{inherit};FA;;;SY)(A;{inherit};FA;;;BA)",
        sid = user.text()?
    );
    apply(path, &sddl)
}

/// Sets `path`'s access list to the one written in `sddl` (Windows' security descriptor text).
pub fn apply(path: &Path, sddl: &str) -> io::Result<()> {
    let mut descriptor: PSECURITY_DESCRIPTOR = null_mut();
    // SAFETY: a NUL-terminated string in, a descriptor out that is freed below.
    let ok = unsafe {
        ConvertStringSecurityDescriptorToSecurityDescriptorW(
            wide(OsStr::new(sddl)).as_ptr(),
            SDDL_REVISION_1,
            &mut descriptor,
            null_mut(),
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    let descriptor = Local(descriptor);
    // Set on a handle of the file itself, so the list is exactly this one: nothing is merged
    // in from the folder above (Wine's SetNamedSecurityInfoW merges even a protected list).
    let file = std::fs::OpenOptions::new()
        .access_mode(WRITE_DAC | READ_CONTROL)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
        .open(path)?;
    // SAFETY: an open handle and a valid descriptor; owner and group stay as they are.
    let ok = unsafe {
        SetKernelObjectSecurity(
            file.as_raw_handle(),
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            descriptor.0,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Whether `path`'s access list lets anyone but the user, SYSTEM and the Administrators in
/// (no list at all lets everyone in).
pub fn is_open_to_others(path: &Path) -> io::Result<bool> {
    let user = UserSid::current()?;
    let (dacl, _descriptor) = access_list(path)?;
    if dacl.is_null() {
        return Ok(true);
    }
    let mut size = ACL_SIZE_INFORMATION {
        AceCount: 0,
        AclBytesInUse: 0,
        AclBytesFree: 0,
    };
    // SAFETY: `dacl` is valid while `_descriptor` lives; `size` is the structure asked for.
    let ok = unsafe {
        GetAclInformation(
            dacl,
            (&raw mut size).cast(),
            std::mem::size_of::<ACL_SIZE_INFORMATION>() as u32,
            AclSizeInformation,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    for index in 0..size.AceCount {
        let mut ace = null_mut();
        // SAFETY: `index` is below the list's count; the entry points into the list.
        if unsafe { GetAce(dacl, index, &mut ace) } == 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: every entry starts with its header.
        let header = unsafe { &*(ace as *const ACE_HEADER) };
        if header.AceType != ACCESS_ALLOWED {
            continue;
        }
        // SAFETY: an access-allowed entry; its SID starts at `SidStart`.
        let sid = unsafe { (&raw mut (*(ace as *mut ACCESS_ALLOWED_ACE)).SidStart) as PSID };
        // SAFETY: both SIDs are valid for these calls.
        let trusted = unsafe {
            EqualSid(sid, user.sid()) != 0
                || IsWellKnownSid(sid, WinLocalSystemSid) != 0
                || IsWellKnownSid(sid, WinBuiltinAdministratorsSid) != 0
                || IsWellKnownSid(sid, WinCreatorOwnerSid) != 0
        };
        if !trusted {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `path`'s access list (null: none, everyone may open it), and the descriptor it lives in.
fn access_list(path: &Path) -> io::Result<(*mut ACL, Local)> {
    let (mut dacl, mut descriptor) = (null_mut::<ACL>(), null_mut());
    // SAFETY: a NUL-terminated path; the descriptor returned is freed by `Local`, and the
    // list points into it.
    let status = unsafe {
        GetNamedSecurityInfoW(
            wide(path.as_os_str()).as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            null_mut(),
            null_mut(),
            &mut dacl,
            null_mut(),
            &mut descriptor,
        )
    };
    if status != 0 {
        return Err(io::Error::from_raw_os_error(status as i32));
    }
    Ok((dacl, Local(descriptor)))
}

/// A NUL-terminated wide string Windows returned, as text.
///
/// # Safety
/// `start` points to a NUL-terminated UTF-16 string.
unsafe fn from_wide(start: *const u16) -> String {
    // SAFETY: the caller's promise.
    unsafe {
        let length = (0..).take_while(|&i| *start.add(i) != 0).count();
        String::from_utf16_lossy(std::slice::from_raw_parts(start, length))
    }
}

/// The SID of the user this process runs as.
struct UserSid {
    /// `TOKEN_USER` and the SID after it, aligned for the structure.
    buffer: Vec<u64>,
}

impl UserSid {
    fn current() -> io::Result<UserSid> {
        let mut token: HANDLE = null_mut();
        // SAFETY: the pseudo-handle of this process; the token is closed below.
        if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut needed = 0u32;
        // SAFETY: asks for the size only.
        unsafe { GetTokenInformation(token, TokenUser, null_mut(), 0, &mut needed) };
        let mut buffer = vec![0u64; (needed as usize).div_ceil(8).max(1)];
        // SAFETY: the buffer holds `needed` bytes.
        let ok = unsafe {
            GetTokenInformation(
                token,
                TokenUser,
                buffer.as_mut_ptr().cast(),
                (buffer.len() * 8) as u32,
                &mut needed,
            )
        };
        let error = io::Error::last_os_error();
        // SAFETY: opened above.
        unsafe { CloseHandle(token) };
        if ok == 0 {
            return Err(error);
        }
        Ok(UserSid { buffer })
    }

    fn sid(&self) -> PSID {
        // SAFETY: the buffer holds a TOKEN_USER, whose SID points into the same buffer.
        unsafe { (*(self.buffer.as_ptr() as *const TOKEN_USER)).User.Sid }
    }

    /// The SID as text (`S-1-5-21-…`).
    fn text(&self) -> io::Result<String> {
        let mut text = null_mut();
        // SAFETY: a valid SID; the string returned is freed below.
        if unsafe { ConvertSidToStringSidW(self.sid(), &mut text) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let text = Local(text.cast());
        // SAFETY: a NUL-terminated wide string from the call above.
        Ok(unsafe { from_wide(text.0 as *const u16) })
    }
}

/// Memory Windows allocated for a result, freed with `LocalFree`.
struct Local(*mut core::ffi::c_void);

impl Drop for Local {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: allocated by the call that filled it in.
            unsafe { LocalFree(self.0 as HLOCAL) };
        }
    }
}

fn wide(text: &OsStr) -> Vec<u16> {
    text.encode_wide().chain(std::iter::once(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restricted_folder_and_what_is_made_in_it_are_the_user_s_alone() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("data");
        std::fs::create_dir(&folder).unwrap();
        let loose = dir.path().join("loose.txt");
        std::fs::write(&loose, "x").unwrap();
        // Opened to everyone first, as a shared folder would be.
        let everyone = "D:P(A;OICI;FA;;;WD)";
        set(&folder, everyone);
        set(&loose, "D:P(A;;FA;;;WD)");
        assert!(is_open_to_others(&folder).unwrap(), "everyone may read");
        assert!(is_open_to_others(&loose).unwrap());

        restrict(&folder, true).unwrap();
        restrict(&loose, false).unwrap();
        assert!(
            !is_open_to_others(&folder).unwrap(),
            "{}",
            describe(&folder)
        );
        assert!(!is_open_to_others(&loose).unwrap(), "{}", describe(&loose));
        let inside = folder.join("inside.txt");
        std::fs::write(&inside, "y").unwrap();
        // Wine (as Debian builds it) keeps no access lists, only Unix modes, so nothing is
        // inherited there; Windows passes the folder's list on.
        if std::env::var_os("WINEPREFIX").is_none() {
            assert!(
                !is_open_to_others(&inside).unwrap(),
                "a file made in the folder inherits its list: {}",
                describe(&inside)
            );
        }
        // Still the user's own to read and write.
        std::fs::write(&loose, "z").unwrap();
        assert_eq!(std::fs::read_to_string(&inside).unwrap(), "y");
    }

    /// `path`'s access list as text, and the user's SID, for a failure message.
    fn describe(path: &Path) -> String {
        use windows_sys::Win32::Security::Authorization::ConvertSecurityDescriptorToStringSecurityDescriptorW;
        let (_, descriptor) = access_list(path).unwrap();
        let mut text = null_mut();
        // SAFETY: a valid descriptor; the text returned is freed by `Local`.
        let text = unsafe {
            ConvertSecurityDescriptorToStringSecurityDescriptorW(
                descriptor.0,
                SDDL_REVISION_1,
                DACL_SECURITY_INFORMATION,
                &mut text,
                null_mut(),
            );
            let text = Local(text.cast());
            from_wide(text.0 as *const u16)
        };
        format!(
            "{}: {text} (the user is {})",
            path.display(),
            UserSid::current().unwrap().text().unwrap()
        )
    }

    fn set(path: &Path, sddl: &str) {
        apply(path, sddl).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
