//! Opening a `.npy` file and reading its header: the first step of every open, read and
//! append.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::error::{Error, Result};
use crate::npy::header::{read_header, Header, HeaderError};
use crate::shape::Order;

/// Opens `path` (for writing too if `write`) and parses its header.
pub(crate) fn open_npy(path: &Path, write: bool, max_header_len: usize) -> Result<(File, Header)> {
    let mut options = OpenOptions::new();
    options.read(true).write(write);
    // Non-blocking, so that a named pipe opens at once and is refused below, not waited on.
    let file =
        crate::map::open_nonblocking(&mut options, path).map_err(|e| Error::io("open", path, e))?;
    // One `read` for the prefix and a header of up to 4 KiB, instead of three; the file's
    // position is not used afterwards (maps and copies address the data by offset).
    let mut reader = std::io::BufReader::with_capacity(4096, &file);
    match read_header(&mut reader, max_header_len) {
        Ok(header) => Ok((file, header)),
        Err(e) => {
            // A pipe gives no header (nothing, or not yet): say what it is instead. A pipe
            // that did give one is refused by the map's own check of the file's kind.
            if let Ok(meta) = file.metadata() {
                crate::map::refuse_kind(&meta, path)?;
            }
            Err(header_error(path, e))
        }
    }
}

/// The crate error for a header error found in `path`.
pub(crate) fn header_error(path: &Path, e: HeaderError) -> Error {
    Error::Header {
        path: path.to_path_buf(),
        at: e.at,
        message: e.message,
    }
}

/// The memory order a header describes.
pub(crate) fn order_of(header: &Header) -> Order {
    if header.fortran_order {
        Order::F
    } else {
        Order::C
    }
}
