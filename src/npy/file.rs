//! Opening a `.npy` file and reading its header: the first step of every open, read and
//! append.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::error::{Error, Result};
use crate::npy::header::{read_header, Header, HeaderError};
use crate::shape::Order;

/// Opens `path` (for writing too if `write`) and parses its header.
pub(crate) fn open_npy(path: &Path, write: bool, max_header_len: usize) -> Result<(File, Header)> {
    let file = OpenOptions::new()
        .read(true)
        .write(write)
        .open(path)
        .map_err(|e| Error::io("open", path, e))?;
    // One `read` for the prefix and a header of up to 4 KiB, instead of three; the file's
    // position is not used afterwards (maps and copies address the data by offset).
    let mut reader = std::io::BufReader::with_capacity(4096, &file);
    let header = read_header(&mut reader, max_header_len).map_err(|e| header_error(path, e))?;
    Ok((file, header))
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
