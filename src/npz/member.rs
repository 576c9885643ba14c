//! [`Member`]: one array of an `.npz` archive as the listing describes it, and how it is
//! stored ([`Compression`]).

use std::fmt;
use std::ops::Range;

use crate::dtype::Dtype;
use crate::npy::{order_of, Header};
use crate::shape::Order;

/// How a member's bytes are stored in the archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compression {
    /// Stored as is (`np.savez`): the array's bytes are in the archive, and can be mapped.
    Stored,
    /// Deflated (`np.savez_compressed`): the array must be read into memory.
    Deflated,
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Compression::Stored => "stored",
            Compression::Deflated => "deflated",
        })
    }
}

/// One array of an `.npz` archive: its name, its `.npy` header, and where its bytes are.
///
/// Made by [`Archive::open`](super::Archive::open); see [`Archive::members`](super::Archive::members).
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub(crate) file_name: String,
    pub(crate) compression: Compression,
    /// Where the member's stored bytes (its `.npy` image, maybe compressed) start.
    pub(crate) start: u64,
    /// The length of the stored bytes.
    pub(crate) stored_len: u64,
    /// The member's `.npy` header; `data_offset` counts from the start of the image.
    pub(crate) header: Header,
}

impl Member {
    /// numpy's key for the member: its file name without `.npy` (`x` for `x.npy`).
    pub fn name(&self) -> &str {
        // Every member's name ends in `.npy`: checked when the archive was listed.
        self.file_name
            .strip_suffix(".npy")
            .unwrap_or(&self.file_name)
    }

    /// The member's file name in the archive (`x.npy`).
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The dtype of the elements.
    pub fn dtype(&self) -> &Dtype {
        &self.header.dtype
    }

    /// The dtype as written in the member's header (`'<f8'`).
    pub fn descr(&self) -> &str {
        &self.header.descr_text
    }

    /// The shape; empty for a 0-d array.
    pub fn shape(&self) -> &[usize] {
        &self.header.shape
    }

    /// The memory order (`Order::F` when the header says `fortran_order: True`).
    pub fn order(&self) -> Order {
        order_of(&self.header)
    }

    /// Stored or deflated.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// Whether the member can be mapped: it is stored without compression.
    pub fn is_mappable(&self) -> bool {
        self.compression == Compression::Stored
    }

    /// The number of bytes of array data (`prod(shape) * itemsize`).
    pub fn nbytes(&self) -> u64 {
        self.header.data_len()
    }

    /// The byte range of the member's stored bytes in the archive: its `.npy` image (header
    /// and data) for a stored member, the compressed image for a deflated one.
    pub fn range(&self) -> Range<u64> {
        // No overflow: checked against the archive's length when it was listed.
        self.start..self.start + self.stored_len
    }

    /// The byte range of the array data in the archive, for a stored member (what a map of
    /// it covers); `None` for a deflated member, whose data exists only once decompressed.
    pub fn data_range(&self) -> Option<Range<u64>> {
        let start = self.data_offset()?;
        // No overflow: the data lies inside `range()` (checked when listed).
        Some(start..start + self.nbytes())
    }

    /// The archive offset of the array data of a stored member.
    pub(crate) fn data_offset(&self) -> Option<u64> {
        self.is_mappable()
            .then(|| self.start + self.header.data_offset)
    }
}
