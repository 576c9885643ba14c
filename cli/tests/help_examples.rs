//! `--help` of `tmm` and of every command shows an example, and exits 0.

mod common;

use common::{stdout, tmm};

#[test]
fn every_command_has_an_example() {
    for cmd in ["info", "show", "check", "follow", "convert"] {
        let out = tmm(&[&cmd, &"--help"]);
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        let text = stdout(&out);
        assert!(text.contains("Examples:"), "{cmd}: {text}");
        assert!(text.contains(&format!("tmm {cmd} ")), "{cmd}: {text}");
    }
    let out = tmm(&[&"--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("tmm info data.npy"));
}
