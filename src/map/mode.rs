//! [`Mode`]: numpy's memmap modes, and parsing them from numpy's names.

use std::fmt;
use std::str::FromStr;

/// numpy's memmap modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `r`: read-only, shared with the file.
    ReadOnly,
    /// `r+`: read-write, writes reach the file.
    ReadWrite,
    /// `w+`: create or truncate, zero-filled, read-write.
    Create,
    /// `c`: copy-on-write; writes stay in this process's memory, the file never changes.
    CopyOnWrite,
}

impl Mode {
    /// numpy's short name: `"r"`, `"r+"`, `"w+"` or `"c"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadOnly => "r",
            Mode::ReadWrite => "r+",
            Mode::Create => "w+",
            Mode::CopyOnWrite => "c",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`Mode`] from text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseModeError(String);

impl fmt::Display for ParseModeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "mode must be one of 'r', 'c', 'r+', 'w+', 'readonly', 'copyonwrite', 'readwrite', \
             'write' (got {:?})",
            self.0
        )
    }
}

impl std::error::Error for ParseModeError {}

impl FromStr for Mode {
    type Err = ParseModeError;

    /// Parses numpy's mode names and their long aliases, case-sensitively like numpy.
    ///
    /// ```
    /// use typed_memmap::Mode;
    /// assert_eq!("r+".parse::<Mode>().unwrap(), Mode::ReadWrite);
    /// assert_eq!("copyonwrite".parse::<Mode>().unwrap(), Mode::CopyOnWrite);
    /// assert!("w".parse::<Mode>().is_err());
    /// ```
    fn from_str(s: &str) -> core::result::Result<Mode, ParseModeError> {
        match s {
            "r" | "readonly" => Ok(Mode::ReadOnly),
            "r+" | "readwrite" => Ok(Mode::ReadWrite),
            "w+" | "write" => Ok(Mode::Create),
            "c" | "copyonwrite" => Ok(Mode::CopyOnWrite),
            other => Err(ParseModeError(other.to_string())),
        }
    }
}
