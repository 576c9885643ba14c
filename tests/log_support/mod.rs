//! Shared pieces of the log tests: a checkable record, its header, a seeded PRNG.
#![allow(dead_code)]

/// A test record: `[sequence number, payload, checksum of both]`. 24 bytes, so records
/// straddle page boundaries (4096 is not a multiple of 24) and writes can tear them.
pub type Rec = [u64; 3];

/// The log header the tests use: 8 bytes, so `u64` records after it stay aligned.
pub const HEADER: &[u8; 8] = b"TMLOGv1\0";

/// The record with sequence number `seq`.
pub fn record(seq: u64) -> Rec {
    let payload = mix(seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5EED);
    [seq, payload, checksum(seq, payload)]
}

fn checksum(seq: u64, payload: u64) -> u64 {
    mix(seq ^ payload.rotate_left(17) ^ 0xC0FF_EE00_D15E_A5E5)
}

/// A 64-bit finaliser (splitmix64's): every input bit affects every output bit, so a record
/// with any byte torn or zeroed fails the check.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Panics unless `rec` is the intact record number `index`.
#[track_caller]
pub fn check(index: u64, rec: &Rec) {
    assert_eq!(
        rec[0], index,
        "record {index} has sequence number {}",
        rec[0]
    );
    assert_eq!(
        *rec,
        record(index),
        "record {index} is damaged (checksum or payload differ)"
    );
}

/// xorshift64*: a tiny seeded PRNG, enough to pick batch sizes and kill moments.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> XorShift {
        XorShift(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}
