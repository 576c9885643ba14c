//! A `RecordBatch` written back into a `.npy` or raw record file.
