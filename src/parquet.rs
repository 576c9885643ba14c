//! Parquet files of maps, arrays, logs and `.npy` files (feature `parquet`).
