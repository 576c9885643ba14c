// A reference is not an `Element`: a file cannot hold pointers into this process.
use typed_memmap::Options;

#[allow(dead_code)]
fn options() {
    let _options = Options::<&'static u8>::new();
}

fn main() {}
