//! (arrow-core)
