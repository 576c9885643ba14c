// `bool` is not an `Element`: the diagnostic says to use `typed_memmap::Bool` instead.
use typed_memmap::Options;

#[allow(dead_code)]
fn options() {
    let _options = Options::<bool>::new();
}

fn main() {}
