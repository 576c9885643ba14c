// Mode `w+` creates a file, so it needs a shape: `create` without `.shape(..)` must not compile.
use std::path::Path;

use typed_memmap::Options;

#[allow(dead_code)]
fn create_without_shape(path: &Path) {
    // SAFETY: this file must not compile, so it never runs.
    let _map = unsafe { Options::<f32>::new().create(path) };
}

fn main() {}
