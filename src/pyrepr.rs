//! Python's `repr()` of the values this crate writes as Python text: `str`, `bytes`, tuples
//! (shapes), lists and sets. The one copy of Python's quoting and escaping rules, used for
//! `.npy` headers and descrs (which numpy writes with `repr`, so ours must be byte-identical),
//! for numpy-style printing, and for values quoted in error messages.
//!
//! Quote choice, for `str` and `bytes` alike: single quotes, unless the text holds `'` and no
//! `"`; then double quotes. Only the chosen quote is escaped.

use std::fmt::Write as _;

/// Python's `repr()` of a `str`: the quote as above, backslash escapes for the quote, `\\`,
/// `\t`, `\n`, `\r`, and `\xNN` / `\uNNNN` / `\UNNNNNNNN` for non-printable characters.
///
/// Printability follows Python's `str.isprintable`: control, format (Unicode 14's list),
/// surrogate, private-use, line/paragraph separator and space characters other than `' '` are
/// escaped. Unassigned code points, which Python also escapes, are written as themselves (that
/// needs the Unicode tables and depends on Python's Unicode version).
pub(crate) fn py_repr_str(s: &str) -> String {
    let quote = quote_for(s.contains('\''), s.contains('"'));
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !python_printable(c) => {
                let cp = c as u32;
                let _ = if cp <= 0xff {
                    write!(out, "\\x{cp:02x}")
                } else if cp <= 0xffff {
                    write!(out, "\\u{cp:04x}")
                } else {
                    write!(out, "\\U{cp:08x}")
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr()` of `bytes`: `b'ab\x00'`, the quote as above, `\\`, `\t`, `\n`, `\r`
/// and the quote escaped, bytes outside `0x20..=0x7e` as `\xNN`.
pub(crate) fn py_repr_bytes(b: &[u8]) -> String {
    let quote = quote_for(b.contains(&b'\''), b.contains(&b'"'));
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(quote);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            c if char::from(c) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(char::from(c)),
            c => {
                let _ = write!(out, "\\x{c:02x}");
            }
        }
    }
    out.push(quote);
    out
}

/// Python's `repr()` of a tuple of ints, as numpy writes a shape: `()`, `(3,)`, `(2, 3)`.
pub(crate) fn py_repr_shape(shape: &[usize]) -> String {
    let mut out = String::new();
    write_seq(&mut out, Brackets::Tuple, shape, |out, d| {
        let _ = write!(out, "{d}");
    });
    out
}

/// The kind of a Python sequence, which decides its brackets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Brackets {
    /// `(a, b)`; one item keeps a trailing comma, `(a,)`.
    Tuple,
    /// `[a, b]`.
    List,
    /// `{a, b}`; the empty set is `set()` (`{}` is a dict).
    Set,
}

/// Writes Python's `repr()` of a sequence to `out`: its brackets around the items, separated
/// by `, `, each written by `item`.
pub(crate) fn write_seq<T>(
    out: &mut String,
    brackets: Brackets,
    items: &[T],
    mut item: impl FnMut(&mut String, &T),
) {
    let (open, close) = match brackets {
        Brackets::Tuple => ('(', ')'),
        Brackets::List => ('[', ']'),
        Brackets::Set if items.is_empty() => return out.push_str("set()"),
        Brackets::Set => ('{', '}'),
    };
    out.push(open);
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item(out, x);
    }
    if brackets == Brackets::Tuple && items.len() == 1 {
        out.push(',');
    }
    out.push(close);
}

/// Python's quote for a text that does or does not hold each quote character.
fn quote_for(has_single: bool, has_double: bool) -> char {
    if has_single && !has_double {
        '"'
    } else {
        '\''
    }
}

/// Python's `str.isprintable` for one character, without the unassigned code points.
fn python_printable(c: char) -> bool {
    let cp = c as u32;
    let control = cp < 0x20 || (0x7f..=0x9f).contains(&cp);
    let separator = c.is_whitespace() && c != ' ';
    let format = matches!(
        cp,
        0xad | 0x600..=0x605
            | 0x61c
            | 0x6dd
            | 0x70f
            | 0x890..=0x891
            | 0x8e2
            | 0x180e
            | 0x200b..=0x200f
            | 0x202a..=0x202e
            | 0x2060..=0x2064
            | 0x2066..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0x110bd
            | 0x110cd
            | 0x13430..=0x13438
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001
            | 0xe0020..=0xe007f
    );
    let private_use = matches!(cp, 0xe000..=0xf8ff | 0xf_0000..=0xf_fffd | 0x10_0000..=0x10_fffd);
    !(control || separator || format || private_use)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every expected text in these tables was generated by running Python 3.11's `repr()` on
    // the input (and pasted here as literals).
    #[test]
    fn repr_of_strings_follows_python() {
        let table = [
            ("", "''"),
            ("a", "'a'"),
            ("it's", "\"it's\""),
            ("say \"hi\"", "'say \"hi\"'"),
            ("both'\"", "'both\\'\"'"),
            ("tab\there", "'tab\\there'"),
            ("line\nfeed\rcr", "'line\\nfeed\\rcr'"),
            ("back\\slash", "'back\\\\slash'"),
            ("bell\x07", "'bell\\x07'"),
            ("nul\x00", "'nul\\x00'"),
            ("del\x7f", "'del\\x7f'"),
            ("c1\u{85}\u{9f}", "'c1\\x85\\x9f'"),
            ("nbsp\u{a0}", "'nbsp\\xa0'"),
            ("soft\u{ad}hyphen", "'soft\\xadhyphen'"),
            ("\u{e9}", "'\u{e9}'"),
            ("\u{394}x", "'\u{394}x'"),
            ("\u{65e5}\u{672c}", "'\u{65e5}\u{672c}'"),
            ("emoji\u{1f600}", "'emoji\u{1f600}'"),
            ("ls\u{2028}ps\u{2029}", "'ls\\u2028ps\\u2029'"),
            ("zwsp\u{200b}", "'zwsp\\u200b'"),
            ("bom\u{feff}", "'bom\\ufeff'"),
            ("pua\u{e000}", "'pua\\ue000'"),
            ("astral pua\u{f0000}", "'astral pua\\U000f0000'"),
            ("tag\u{e0041}", "'tag\\U000e0041'"),
            ("ideographic space\u{3000}", "'ideographic space\\u3000'"),
            ("e\u{301}", "'e\u{301}'"),
        ];
        for (input, want) in table {
            assert_eq!(py_repr_str(input), want, "input {input:?}");
        }
    }

    #[test]
    fn repr_of_bytes_follows_python() {
        let table: [(&[u8], &str); 10] = [
            (b"", "b''"),
            (b"abc", "b'abc'"),
            (b"'", "b\"'\""),
            (b"\"", "b'\"'"),
            (b"'\"", "b'\\'\"'"),
            (b"it's", "b\"it's\""),
            (b"\\", "b'\\\\'"),
            (b"\x09\x0a\x0d", "b'\\t\\n\\r'"),
            (b"\x00\x01\x7f\x80\xff", "b'\\x00\\x01\\x7f\\x80\\xff'"),
            (b"caf\xc3\xa9", "b'caf\\xc3\\xa9'"),
        ];
        for (input, want) in table {
            assert_eq!(py_repr_bytes(input), want, "input {input:?}");
        }
    }

    #[test]
    fn repr_of_shapes_follows_python() {
        let table: [(&[usize], &str); 5] = [
            (&[], "()"),
            (&[3], "(3,)"),
            (&[0], "(0,)"),
            (&[2, 3, 4], "(2, 3, 4)"),
            (&[4_294_967_295, 1], "(4294967295, 1)"),
        ];
        for (input, want) in table {
            assert_eq!(py_repr_shape(input), want, "input {input:?}");
        }
    }

    #[test]
    fn repr_of_sequences_follows_python() {
        let seq = |brackets, items: &[&str]| {
            let mut out = String::new();
            write_seq(&mut out, brackets, items, |out, s| out.push_str(s));
            out
        };
        let table = [
            (Brackets::List, &[][..], "[]"),
            (Brackets::List, &["1"][..], "[1]"),
            (Brackets::List, &["(1,)", "'a'"][..], "[(1,), 'a']"),
            (Brackets::Set, &[][..], "set()"),
            (Brackets::Set, &["1"][..], "{1}"),
            (Brackets::Tuple, &[][..], "()"),
            (Brackets::Tuple, &["1"][..], "(1,)"),
        ];
        for (brackets, items, want) in table {
            assert_eq!(seq(brackets, items), want, "{brackets:?} of {items:?}");
        }
    }
}
