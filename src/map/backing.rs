//! [`Backing`]: the memory of a map, as memmap2 made it.

use std::ptr::NonNull;

use super::Advice;

/// The memory behind a map.
pub(crate) enum Backing {
    /// A zero-byte array: nothing is mapped.
    Empty,
    /// A read-only shared map (`r`).
    ReadOnly(memmap2::Mmap),
    /// A writable map, shared (`r+`, `w+`) or private (`c`).
    Writable(memmap2::MmapMut),
}

impl Backing {
    /// The address of the first byte, for the alignment check.
    pub(crate) fn addr(&self) -> usize {
        match self {
            Backing::Empty => 0,
            Backing::ReadOnly(m) => m.as_ptr() as usize,
            Backing::Writable(m) => m.as_ptr() as usize,
        }
    }

    /// Gives the kernel `advice` for the whole map; a no-op where memmap2 has no hints
    /// (everywhere but Unix).
    pub(crate) fn advise(&self, advice: Advice) -> std::io::Result<()> {
        #[cfg(unix)]
        match self {
            Backing::Empty => Ok(()),
            Backing::ReadOnly(m) => m.advise(advice.to_memmap2()),
            Backing::Writable(m) => m.advise(advice.to_memmap2()),
        }
        #[cfg(not(unix))]
        {
            let _ = advice;
            Ok(())
        }
    }

    /// Asks the kernel to fault in the pages of bytes `offset..offset + len` for writing, in
    /// one call (`MADV_POPULATE_WRITE`, Linux 5.14+) instead of one page fault per page. A
    /// hint: errors (older kernels say `EINVAL`) are ignored, and elsewhere it does nothing.
    pub(crate) fn prefault_write(&self, offset: usize, len: usize) {
        #[cfg(target_os = "linux")]
        if let Backing::Writable(m) = self {
            let _ = m.advise_range(memmap2::Advice::PopulateWrite, offset, len);
        }
        let _ = (offset, len);
    }

    /// The mapped bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Backing::Empty => &[],
            Backing::ReadOnly(m) => m,
            Backing::Writable(m) => m,
        }
    }

    /// A pointer to `len` elements of `T`: the map's start, or a dangling aligned pointer
    /// when nothing is mapped (then `len * size_of::<T>() == 0`).
    pub(super) fn ptr<T>(&self) -> *const T {
        match self {
            Backing::Empty => NonNull::<T>::dangling().as_ptr(),
            Backing::ReadOnly(m) => m.as_ptr().cast(),
            Backing::Writable(m) => m.as_ptr().cast(),
        }
    }

    pub(super) fn ptr_mut<T>(&mut self) -> *mut T {
        match self {
            Backing::Writable(m) => m.as_mut_ptr().cast(),
            // Read-only backings never reach a `MemmapMut`; for `Empty` the pointer is never
            // written through (the slice has no bytes).
            Backing::Empty | Backing::ReadOnly(_) => NonNull::<T>::dangling().as_ptr(),
        }
    }
}
