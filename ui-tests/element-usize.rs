// `usize` is not an `Element`: the diagnostic says to use `u64` instead.
use typed_memmap::Options;

#[allow(dead_code)]
fn options() {
    let _options = Options::<usize>::new();
}

fn main() {}
