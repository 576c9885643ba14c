//! `ndarray` views of maps, arrays and columns (feature `ndarray`).
