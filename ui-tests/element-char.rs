// `char` is not an `Element`: the diagnostic says to use `u32` instead.
use typed_memmap::Options;

#[allow(dead_code)]
fn options() {
    let _options = Options::<char>::new();
}

fn main() {}
