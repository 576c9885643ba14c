//! Prints a `.npy` file of any dtype as one JSON object:
//!
//! ```text
//! cargo run --example npy2json -- FILE.npy
//! {"descr": "'<f8'", "shape": [2], "fortran_order": false, "values": [1.0, "nan"]}
//! ```
//!
//! `values` lists every element in logical C order (numpy's `a.ravel()`), whatever the file's
//! order. On a bad file it prints the error on stderr and exits with status 2.

mod json;

use std::io::Write;
use std::process::ExitCode;

use typed_memmap::DynArray;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let [path] = args.as_slice() else {
        eprintln!("usage: npy2json FILE.npy");
        return ExitCode::from(2);
    };
    // A copying read: safe whatever else happens to the file while we print it.
    let array = match DynArray::read(path) {
        Ok(array) => array,
        Err(e) => {
            eprintln!("npy2json: {e}");
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match json::write_array(&mut out, &array).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("npy2json: cannot write the output: {e}");
            ExitCode::from(2)
        }
    }
}
