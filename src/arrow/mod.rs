//! Arrow arrays and record batches of maps, arrays, logs, columns and `DynArray`s
//! (feature `arrow`).

mod convert;
mod reader;
mod schema;
mod write;
