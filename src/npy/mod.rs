//! NumPy `.npy` files: the header (magic, version, the Python-literal dict) and the descr
//! grammar that maps numpy's dtype descriptors to [`Dtype`](crate::Dtype).

mod descr;
mod header;
mod literal;

pub use descr::parse_descr;
pub use header::{
    parse_header, read_header, rewrite_shape, write_header, Header, HeaderError, PrefixError,
    DEFAULT_MAX_HEADER_LEN, MAGIC,
};
