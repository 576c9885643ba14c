//! Removing the temporary output file when the conversion is interrupted (Ctrl-C, `kill`,
//! a closed terminal), so that an interrupted conversion leaves nothing behind; the default
//! action of the signal (ending the process) follows. Only a `SIGKILL`, which no process
//! can catch, leaves the hidden temporary file.
//!
//! On platforms other than Unix the functions do nothing.

use std::path::Path;

/// While `path` is the temporary output, `SIGINT`, `SIGTERM` and `SIGHUP` remove it before
/// ending the process.
pub fn remove_on_signal(path: &Path) {
    #[cfg(unix)]
    unix::remove_on_signal(path);
    #[cfg(not(unix))]
    let _ = path;
}

/// The temporary file is gone (renamed into place, or removed): a signal removes nothing.
pub fn forget() {
    #[cfg(unix)]
    unix::forget();
}

#[cfg(unix)]
mod unix {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::ptr;
    use std::sync::atomic::{AtomicPtr, Ordering};

    /// The path to remove: a NUL-terminated string that is never freed, so that a handler
    /// running while it is replaced still reads valid memory.
    static TEMP: AtomicPtr<libc::c_char> = AtomicPtr::new(ptr::null_mut());

    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    extern "C" fn on_signal(signal: libc::c_int) {
        let path = TEMP.swap(ptr::null_mut(), Ordering::SeqCst);
        if !path.is_null() {
            // SAFETY: `path` came from `CString::into_raw` in `remove_on_signal` and is
            // never freed, so it is a valid NUL-terminated string; `unlink` is
            // async-signal-safe (POSIX.1-2008, 2.4.3).
            unsafe { libc::unlink(path) };
        }
        // SAFETY: `signal` with `SIG_DFL` restores the default action of a valid signal
        // number (the one being handled); async-signal-safe.
        unsafe { libc::signal(signal, libc::SIG_DFL) };
        // SAFETY: raising the same signal again, now with its default action, ends the
        // process as the signal would have; `raise` is async-signal-safe.
        unsafe { libc::raise(signal) };
    }

    pub fn remove_on_signal(path: &Path) {
        let Ok(c_path) = CString::new(path.as_os_str().as_bytes()) else {
            return;
        };
        // Leaked on purpose (see `TEMP`): one short string per conversion.
        TEMP.store(c_path.into_raw(), Ordering::SeqCst);
        let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        for signal in SIGNALS {
            // SAFETY: `handler` is an `extern "C" fn(c_int)` that only calls
            // async-signal-safe functions and touches an atomic, as a handler must; the
            // signal numbers are valid. The previous action is the default (the tool sets
            // no other), so nothing is lost by replacing it.
            unsafe { libc::signal(signal, handler) };
        }
    }

    pub fn forget() {
        TEMP.store(ptr::null_mut(), Ordering::SeqCst);
    }
}
