//! [`At`]: a reader of a byte range of a shared `&File` by positional reads, so that reading
//! an archive never moves the file's cursor (two threads may read one [`Archive`] at once).
//!
//! [`Archive`]: super::Archive

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use crate::pio::read_exact_at;

/// Reads `file` from `pos` up to `end` (exclusive) with positional reads.
pub(crate) struct At<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl<'a> At<'a> {
    /// The bytes `start..end` of `file`.
    pub(crate) fn new(file: &'a File, start: u64, end: u64) -> At<'a> {
        At {
            file,
            pos: start,
            end,
        }
    }
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.end.saturating_sub(self.pos);
        let n = usize::try_from(left).map_or(buf.len(), |left| left.min(buf.len()));
        read_exact_at(self.file, &mut buf[..n], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for At<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.end.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )
        })?;
        Ok(self.pos)
    }
}
