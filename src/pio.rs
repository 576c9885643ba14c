//! Positional file I/O: read or write at a byte offset through a shared `&File`, the one place
//! the platforms differ.
//!
//! - Unix: `pread`/`pwrite` through `std::os::unix::fs::FileExt`; the file cursor does not
//!   move.
//! - Windows: `std::os::windows::fs::FileExt::seek_read` / `seek_write`. These **move the
//!   file cursor** to the end of the bytes transferred, so nothing in this crate may mix them
//!   with cursor-based reads or writes of the same handle (nothing does: every read and write
//!   of a mapped or appended file goes through this module or through the map).
//! - Elsewhere: a seek to the offset, then an ordinary read or write; the cursor moves too,
//!   and two threads sharing the `&File` must not interleave calls.
//!
//! [`read_exact_at`] and [`write_all_at`] loop over the one-call primitives the same way on
//! every platform: a short transfer continues where it stopped, [`io::ErrorKind::Interrupted`]
//! is retried, end of file while reading is [`io::ErrorKind::UnexpectedEof`] and a write that
//! takes no bytes is [`io::ErrorKind::WriteZero`].

use std::fs::File;
use std::io;

/// Reads up to `buf.len()` bytes at `offset` in one call; `Ok(0)` at end of file.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

/// Reads up to `buf.len()` bytes at `offset` in one call; `Ok(0)` at end of file. Moves the
/// file cursor.
#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// Reads up to `buf.len()` bytes at `offset` in one call; `Ok(0)` at end of file. Moves the
/// file cursor.
#[cfg(not(any(unix, windows)))]
fn read_at(mut file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::io::{Read, Seek, SeekFrom};
    file.seek(SeekFrom::Start(offset))?;
    file.read(buf)
}

/// Writes up to `buf.len()` bytes at `offset` in one call and returns how many it wrote.
#[cfg(unix)]
pub(crate) fn write_at(file: &File, buf: &[u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::write_at(file, buf, offset)
}

/// Writes up to `buf.len()` bytes at `offset` in one call and returns how many it wrote.
/// Moves the file cursor.
#[cfg(windows)]
pub(crate) fn write_at(file: &File, buf: &[u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_write(file, buf, offset)
}

/// Writes up to `buf.len()` bytes at `offset` in one call and returns how many it wrote.
/// Moves the file cursor.
#[cfg(not(any(unix, windows)))]
pub(crate) fn write_at(mut file: &File, buf: &[u8], offset: u64) -> io::Result<usize> {
    use std::io::{Seek, SeekFrom, Write};
    file.seek(SeekFrom::Start(offset))?;
    file.write(buf)
}

/// Fills `buf` from the bytes at `offset`.
///
/// # Errors
///
/// [`io::ErrorKind::UnexpectedEof`] if the file ends before `buf` is full (what was read is
/// in `buf` then, the rest unspecified), or the error of the failing read.
pub(crate) fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match read_at(file, buf, offset) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the file ended before the bytes to read",
                ))
            }
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes all of `buf` at `offset`.
///
/// # Errors
///
/// The error of the failing write, or [`io::ErrorKind::WriteZero`] if a write took no bytes;
/// a leading part of `buf` may be in the file then.
pub(crate) fn write_all_at(file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
    write_all_at_partial(file, buf, offset).map_err(|(_, e)| e)
}

/// [`write_all_at`], saying on failure how many leading bytes of `buf` did reach the file
/// (callers that must cut a partial record off again need the number).
///
/// # Errors
///
/// As [`write_all_at`], with the count of bytes written before the failure.
pub(crate) fn write_all_at_partial(
    file: &File,
    buf: &[u8],
    offset: u64,
) -> Result<(), (usize, io::Error)> {
    let mut done = 0;
    while done < buf.len() {
        match write_at(file, &buf[done..], offset + done as u64) {
            Ok(0) => {
                let e = io::Error::new(io::ErrorKind::WriteZero, "the disk took no bytes");
                return Err((done, e));
            }
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err((done, e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;

    fn temp_file() -> (tempfile::TempDir, File) {
        let dir = tempfile::tempdir().unwrap();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(dir.path().join("pio.bin"))
            .unwrap();
        (dir, file)
    }

    #[test]
    #[cfg_attr(miri, ignore = "file I/O is isolated under Miri")]
    fn writes_and_reads_at_offsets() {
        let (_dir, file) = temp_file();
        write_all_at(&file, b"hello", 0).unwrap();
        // Past the end: the gap reads as zeros.
        write_all_at(&file, b"world", 8).unwrap();
        assert_eq!(write_at(&file, b"!", 13).unwrap(), 1);
        // Over the middle of what is there.
        write_all_at(&file, b"LL", 2).unwrap();
        assert_eq!(file.metadata().unwrap().len(), 14);

        let mut all = [0xffu8; 14];
        read_exact_at(&file, &mut all, 0).unwrap();
        assert_eq!(&all, b"heLLo\0\0\0world!");
        let mut part = [0u8; 3];
        read_exact_at(&file, &mut part, 9).unwrap();
        assert_eq!(&part, b"orl");
        // An empty read at the end of the file, or past it, asks for nothing and succeeds.
        read_exact_at(&file, &mut [], 14).unwrap();
        read_exact_at(&file, &mut [], 100).unwrap();
    }

    #[test]
    #[cfg_attr(miri, ignore = "file I/O is isolated under Miri")]
    fn reading_past_the_end_is_unexpected_eof() {
        let (_dir, file) = temp_file();
        write_all_at(&file, b"abcdef", 0).unwrap();
        let mut buf = [0u8; 4];
        let e = read_exact_at(&file, &mut buf, 4).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        // The bytes that were there did arrive.
        assert_eq!(&buf[..2], b"ef");
        let e = read_exact_at(&file, &mut buf, 6).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    #[cfg_attr(miri, ignore = "file I/O is isolated under Miri")]
    fn writing_to_a_read_only_file_fails_having_written_nothing() {
        let (dir, file) = temp_file();
        write_all_at(&file, b"abc", 0).unwrap();
        drop(file);
        let ro = File::open(dir.path().join("pio.bin")).unwrap();
        let (done, _) = write_all_at_partial(&ro, b"xyz", 0).unwrap_err();
        assert_eq!(done, 0);
        assert!(write_all_at(&ro, b"xyz", 0).is_err());
        let mut buf = [0u8; 3];
        read_exact_at(&ro, &mut buf, 0).unwrap();
        assert_eq!(&buf, b"abc");
    }
}
