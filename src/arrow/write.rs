//! Record batches written back into `.npy` and raw record files.
