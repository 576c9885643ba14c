//! [`Advice`]: paging hints for the kernel.

/// A paging hint for the kernel (`madvise`), see [`Options::advise`](crate::Options::advise)
/// and [`Memmap::advise`](crate::Memmap::advise).
///
/// Hints exist only on Unix (`madvise`). On other platforms (Windows) giving one is a no-op
/// that succeeds: the program behaves the same, only the paging may differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Advice {
    /// No special treatment.
    Normal,
    /// Pages will be read in order: read ahead aggressively, drop behind.
    Sequential,
    /// Pages will be read in random order: do not read ahead.
    Random,
    /// The whole map will be needed soon: start reading it in now.
    WillNeed,
}

impl Advice {
    /// memmap2's name for the hint; memmap2 has hints only on Unix.
    #[cfg(unix)]
    pub(crate) fn to_memmap2(self) -> memmap2::Advice {
        match self {
            Advice::Normal => memmap2::Advice::Normal,
            Advice::Sequential => memmap2::Advice::Sequential,
            Advice::Random => memmap2::Advice::Random,
            Advice::WillNeed => memmap2::Advice::WillNeed,
        }
    }
}
