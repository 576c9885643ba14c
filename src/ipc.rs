//! Arrow IPC files of maps, arrays, logs and `.npy` files (feature `ipc`).
