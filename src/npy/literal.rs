//! A tokenizer and recursive-descent parser for the subset of Python literals that
//! `ast.literal_eval` accepts and numpy headers use. It never evaluates anything: the result
//! is a tree of [`Node`]s, each remembering the byte span it came from so that errors can
//! point at a byte of the file.
//!
//! Accepted: dicts, sets, lists, tuples (with or without trailing comma, `()`), parenthesised
//! values, strings in either quote style (also triple-quoted, `r`/`u`/`b` prefixes, adjacent
//! strings concatenated) with Python's escapes, ints in every base with `_` separators and a
//! unary sign, floats and imaginary numbers (kept as text: numpy accepts none of them in a
//! header), `True`, `False`, `None`, comments, and whitespace or newlines anywhere inside
//! brackets. Refused like Python: NUL bytes anywhere, leading zeros in decimals, text after
//! the value, non-literal expressions. Not supported (refused): `\N{name}` escapes and
//! arithmetic such as `1+2j`.

use std::fmt::Write as _;

/// How many brackets may nest; Python's parser stops at 200 too, and the bound keeps the
/// recursion (and the fuzzer's stack) small.
const MAX_DEPTH: usize = 200;

/// How string bytes are decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// Every byte is the code point of the same number (headers of versions 1.0 and 2.0).
    Latin1,
    /// UTF-8, already validated by the caller (version 3.0 headers, descr text).
    Utf8,
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Lit {
    /// An int that fits in `i128`.
    Int(i128),
    /// An int too large for `i128`, as its decimal-or-prefixed text (with sign).
    BigInt(String),
    /// A float or imaginary literal, as written.
    Float(String),
    Str(String),
    Bytes(Vec<u8>),
    Bool(bool),
    None,
    Tuple(Vec<Node>),
    List(Vec<Node>),
    Set(Vec<Node>),
    Dict(Vec<(Node, Node)>),
}

/// A literal value and the byte span `start..end` of its text in the parsed buffer.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub start: usize,
    pub end: usize,
    pub lit: Lit,
}

/// A parse failure at byte `at` of the parsed buffer.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SyntaxError {
    pub at: usize,
    pub message: String,
}

fn err<T>(at: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError {
        at,
        message: message.into(),
    })
}

impl Node {
    /// Python's `repr()` of the value, for error messages.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out);
        out
    }

    fn write_repr(&self, out: &mut String) {
        use crate::pyrepr::{self, Brackets};
        let seq = |out: &mut String, brackets, items: &[Node]| {
            pyrepr::write_seq(out, brackets, items, |out, n| n.write_repr(out));
        };
        match &self.lit {
            Lit::Int(v) => {
                let _ = write!(out, "{v}");
            }
            Lit::BigInt(t) | Lit::Float(t) => out.push_str(t),
            Lit::Str(s) => out.push_str(&pyrepr::py_repr_str(s)),
            Lit::Bytes(b) => out.push_str(&pyrepr::py_repr_bytes(b)),
            Lit::Bool(true) => out.push_str("True"),
            Lit::Bool(false) => out.push_str("False"),
            Lit::None => out.push_str("None"),
            Lit::Tuple(items) => seq(out, Brackets::Tuple, items),
            Lit::List(items) => seq(out, Brackets::List, items),
            Lit::Set(items) => seq(out, Brackets::Set, items),
            Lit::Dict(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write_repr(out);
                    out.push_str(": ");
                    v.write_repr(out);
                }
                out.push('}');
            }
        }
    }

    /// A short English name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.lit {
            Lit::Int(_) | Lit::BigInt(_) => "an int",
            Lit::Float(_) => "a number that is not an int",
            Lit::Str(_) => "a str",
            Lit::Bytes(_) => "a bytes literal",
            Lit::Bool(_) => "a bool",
            Lit::None => "None",
            Lit::Tuple(_) => "a tuple",
            Lit::List(_) => "a list",
            Lit::Set(_) => "a set",
            Lit::Dict(_) => "a dict",
        }
    }
}

/// Parses `src` as one Python literal. `allow_long_suffix` accepts Python 2's `L` after an
/// int (`3L`), which numpy tolerates in version 1.0 and 2.0 headers.
#[cfg(test)]
pub(crate) fn parse(
    src: &[u8],
    encoding: Encoding,
    allow_long_suffix: bool,
) -> Result<Node, SyntaxError> {
    let keep = Keep {
        depth: usize::MAX,
        max_items: usize::MAX,
        what: "",
    };
    parse_shallow(src, encoding, allow_long_suffix, keep)
}

/// How much of the tree [`parse_shallow`] keeps.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Keep {
    /// Containers nested deeper than this keep none of their items but the first (and the
    /// first unhashable one). 0 keeps only the root's kind and span; 1 the root's items too.
    pub depth: usize,
    /// A container whose items are kept may have at most this many; more is an error...
    pub max_items: usize,
    /// ... that names the container so.
    pub what: &'static str,
}

/// Checks that `src` is one Python literal, keeping the tree only `keep.depth` brackets
/// deep: the items of a container nested deeper are parsed, checked and dropped (the node
/// keeps its kind and span, and at most its first item and its first unhashable one). So
/// checking a text costs memory for its strings and its nesting, not for its items: a
/// header of millions of values is refused or read without building millions of nodes.
pub(crate) fn parse_shallow(
    src: &[u8],
    encoding: Encoding,
    allow_long_suffix: bool,
    keep: Keep,
) -> Result<Node, SyntaxError> {
    if let Some(at) = src.iter().position(|&b| b == 0) {
        return err(at, "NUL byte (Python source cannot contain NUL bytes)");
    }
    let mut p = Parser::new(src, encoding, allow_long_suffix);
    p.keep_depth = keep.depth;
    p.kept_max = keep.max_items;
    p.kept_what = keep.what;
    p.skip_leading()?;
    let node = p.value()?;
    p.skip_ws(false)?;
    if p.pos < src.len() {
        return err(
            p.pos,
            format!(
                "unexpected {} after the end of the value",
                describe_byte(src[p.pos])
            ),
        );
    }
    Ok(node)
}

fn describe_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("`{}`", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

/// The parser, also driven value by value by the header and descr readers (which first
/// check the whole text with [`parse_shallow`], then read the values they need again from
/// their spans, streaming the long ones).
pub(crate) struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    depth: usize,
    encoding: Encoding,
    allow_long_suffix: bool,
    /// Containers nested deeper than this keep none of their items but the first (and the
    /// first unhashable one): see [`parse_shallow`].
    keep_depth: usize,
    /// The most items a container whose items are kept may have, and what it is called.
    kept_max: usize,
    kept_what: &'static str,
    /// How many more values [`Parser::value_within`] may build; `usize::MAX` is no limit.
    budget: usize,
    /// Set when the budget ran out: the error is then not a syntax error.
    over_budget: bool,
    /// The number of items of the container parsed last.
    last_len: usize,
    /// The number of items of the first item of the sequence parsed last (for `(x)`).
    first_len: usize,
}

impl<'a> Parser<'a> {
    /// A parser positioned at byte `pos` of `src`, keeping whole trees, without a budget.
    pub(crate) fn new_at(
        src: &'a [u8],
        pos: usize,
        encoding: Encoding,
        allow_long_suffix: bool,
    ) -> Parser<'a> {
        let mut p = Parser::new(src, encoding, allow_long_suffix);
        p.pos = pos;
        p
    }

    fn new(src: &'a [u8], encoding: Encoding, allow_long_suffix: bool) -> Parser<'a> {
        Parser {
            src,
            pos: 0,
            depth: 0,
            encoding,
            allow_long_suffix,
            keep_depth: usize::MAX,
            kept_max: usize::MAX,
            kept_what: "",
            budget: usize::MAX,
            over_budget: false,
            last_len: 0,
            first_len: 0,
        }
    }

    /// The current byte position.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Moves to byte `pos` (a position this parser was at before).
    pub(crate) fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// Skips whitespace and comments (inside brackets) and returns the next byte, if any.
    pub(crate) fn next_byte(&mut self) -> Result<Option<u8>, SyntaxError> {
        self.skip_ws(true)?;
        Ok(self.peek())
    }

    /// Steps over the byte at the current position (one the caller has seen).
    pub(crate) fn bump(&mut self) {
        self.pos += 1;
    }

    /// Parses the value at the current position into a tree of at most `max_nodes` nodes;
    /// `Ok(None)` (with the position undefined) when it has more.
    pub(crate) fn value_within(&mut self, max_nodes: usize) -> Result<Option<Node>, SyntaxError> {
        self.skip_ws(true)?;
        self.budget = max_nodes;
        self.over_budget = false;
        let r = self.value();
        self.budget = usize::MAX;
        match r {
            Err(_) if self.over_budget => Ok(None),
            r => r.map(Some),
        }
    }

    /// Parses the value at the current position and drops it, building no tree; returns
    /// its kind and span (no items) and, for a container, its number of items.
    pub(crate) fn skip_value(&mut self) -> Result<(Node, usize), SyntaxError> {
        self.skip_ws(true)?;
        let keep = self.keep_depth;
        self.keep_depth = self.depth;
        self.last_len = 0;
        let r = self.value();
        self.keep_depth = keep;
        r.map(|n| (n, self.last_len))
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.src.get(self.pos + k).copied()
    }

    /// `ast.literal_eval` strips leading spaces and tabs; blank lines before the value are
    /// fine, but an indented value on a later line is Python's "unexpected indent".
    fn skip_leading(&mut self) -> Result<(), SyntaxError> {
        let mut line_start = true;
        let mut first_line = true;
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\x0c') => {
                    if line_start && !first_line {
                        // Only an error if this line carries the value.
                        let rest = &self.src[self.pos..];
                        let blank = rest
                            .iter()
                            .take_while(|&&b| b != b'\n' && b != b'\r')
                            .all(|&b| matches!(b, b' ' | b'\t' | b'\x0c'))
                            || rest.iter().find(|&&b| !matches!(b, b' ' | b'\t' | b'\x0c'))
                                == Some(&b'#');
                        if !blank {
                            return err(self.pos, "unexpected indent before the value");
                        }
                    }
                    line_start = false;
                    self.pos += 1;
                }
                Some(b'\n' | b'\r') => {
                    self.pos += 1;
                    line_start = true;
                    first_line = false;
                }
                Some(b'#') => self.skip_comment(),
                Some(b'\\') if matches!(self.peek_at(1), Some(b'\n' | b'\r')) => {
                    self.skip_continuation();
                }
                _ => return Ok(()),
            }
        }
    }

    fn skip_comment(&mut self) {
        while let Some(b) = self.peek() {
            if b == b'\n' || b == b'\r' {
                break;
            }
            self.pos += 1;
        }
    }

    fn skip_continuation(&mut self) {
        self.pos += 1;
        if self.peek() == Some(b'\r') {
            self.pos += 1;
        }
        if self.peek() == Some(b'\n') {
            self.pos += 1;
        }
    }

    /// Skips whitespace and comments. Newlines end a logical line outside brackets, which is
    /// only fine at the very end (checked by the caller).
    fn skip_ws(&mut self, in_brackets: bool) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\x0c') => self.pos += 1,
                Some(b'\n' | b'\r') => {
                    if !in_brackets {
                        // The rest must be blank: a second logical line is a syntax error.
                        self.pos += 1;
                        self.skip_blank_rest()?;
                        if self.pos < self.src.len() {
                            return err(
                                self.pos,
                                "a second line of text after the value (start of that line \
                                 at the reported byte)",
                            );
                        }
                        return Ok(());
                    }
                    self.pos += 1;
                }
                Some(b'#') => self.skip_comment(),
                Some(b'\\') if matches!(self.peek_at(1), Some(b'\n' | b'\r')) => {
                    self.skip_continuation();
                    if !in_brackets && self.pos >= self.src.len() {
                        return err(self.pos, "unexpected end of text after `\\`");
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn skip_blank_rest(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\x0c' | b'\n' | b'\r') => self.pos += 1,
                Some(b'#') => self.skip_comment(),
                _ => return Ok(()),
            }
        }
    }

    fn expect_more(&self, what: &str) -> Result<u8, SyntaxError> {
        match self.peek() {
            Some(b) => Ok(b),
            None => err(
                self.pos,
                format!("unexpected end of the text, expected {what}"),
            ),
        }
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let b = self.expect_more("a value")?;
        if self.budget != usize::MAX {
            if self.budget == 0 {
                self.over_budget = true;
                return err(start, "too many values");
            }
            self.budget -= 1;
        }
        match b {
            b'{' | b'[' | b'(' => {
                if self.depth >= MAX_DEPTH {
                    return err(start, format!("brackets nested deeper than {MAX_DEPTH}"));
                }
                self.depth += 1;
                let r = match b {
                    b'{' => self.brace(),
                    b'[' => self.list(),
                    _ => self.paren(),
                };
                self.depth -= 1;
                r
            }
            b'\'' | b'"' => self.strings(),
            b'-' | b'+' => {
                self.pos += 1;
                self.skip_ws(true)?;
                let operand = self.value()?;
                // Python's literal_eval refuses a sign on a signed operand (`--1`, `-(-1)`).
                let inner = self.src[operand.start..]
                    .iter()
                    .find(|&&c| !matches!(c, b'(' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'));
                if matches!(inner, Some(b'-' | b'+')) {
                    return err(start, "two signs in a row are not a literal");
                }
                let neg = b == b'-';
                let lit = match operand.lit {
                    Lit::Int(v) if neg => match v.checked_neg() {
                        Some(n) => Lit::Int(n),
                        None => Lit::BigInt(format!("-{v}")),
                    },
                    Lit::BigInt(t) if neg => Lit::BigInt(format!("-{t}")),
                    Lit::Float(t) if neg => Lit::Float(format!("-{t}")),
                    l @ (Lit::Int(_) | Lit::BigInt(_) | Lit::Float(_)) => l,
                    _ => {
                        return err(
                            start,
                            format!(
                                "`{}` applied to {}: only numbers may carry a sign",
                                b as char,
                                operand.type_name()
                            ),
                        )
                    }
                };
                Ok(Node {
                    start,
                    end: operand.end,
                    lit,
                })
            }
            b'0'..=b'9' | b'.' => self.number(),
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let word_end = self.word_end();
                let word = &self.src[start..word_end];
                // String prefixes: u, r, b and their combinations.
                if matches!(self.src.get(word_end), Some(b'\'' | b'"')) && word.len() <= 2 {
                    return self.strings();
                }
                let lit = match word {
                    b"True" => Lit::Bool(true),
                    b"False" => Lit::Bool(false),
                    b"None" => Lit::None,
                    _ => {
                        return err(
                            start,
                            format!(
                                "the name `{}` is not a literal (only True, False and None are)",
                                String::from_utf8_lossy(word)
                            ),
                        )
                    }
                };
                self.pos = word_end;
                Ok(Node {
                    start,
                    end: word_end,
                    lit,
                })
            }
            b => err(
                start,
                format!("unexpected {}, expected a value", describe_byte(b)),
            ),
        }
    }

    fn too_many_kept<T>(&self, at: usize) -> Result<T, SyntaxError> {
        err(
            at,
            format!("{} has more than {} items", self.kept_what, self.kept_max),
        )
    }

    fn word_end(&self) -> usize {
        let mut e = self.pos;
        while e < self.src.len() && (self.src[e].is_ascii_alphanumeric() || self.src[e] == b'_') {
            e += 1;
        }
        e
    }

    /// Comma-separated values up to `close`; returns them (only the first and the first
    /// unhashable one when the container is deeper than `keep_depth`), how many there were,
    /// and whether a comma was seen.
    fn items(&mut self, close: u8) -> Result<(Vec<Node>, usize, bool), SyntaxError> {
        let keep_all = self.depth <= self.keep_depth;
        let mut items = Vec::new();
        let mut count = 0usize;
        let mut first_len = 0usize;
        let mut comma = false;
        loop {
            self.skip_ws(true)?;
            let b = self.expect_more(match close {
                b')' => "`)`",
                b']' => "`]`",
                _ => "`}`",
            })?;
            if b == close {
                self.pos += 1;
                self.last_len = count;
                self.first_len = first_len;
                return Ok((items, count, comma));
            }
            let item_at = self.pos;
            let item = self.value()?;
            if count == 0 {
                first_len = self.last_len;
            }
            count += 1;
            if keep_all && count > self.kept_max {
                return self.too_many_kept(item_at);
            }
            if keep_all
                || items.is_empty()
                // The new item first: it costs its own size, while `items[0]` could be deep
                // and would be walked again for every later item.
                || (items.len() == 1
                    && check_hashable(&item).is_err()
                    && check_hashable(&items[0]).is_ok())
            {
                items.push(item);
            }
            self.skip_ws(true)?;
            let b = self.expect_more(match close {
                b')' => "`,` or `)`",
                b']' => "`,` or `]`",
                _ => "`,` or `}`",
            })?;
            if b == b',' {
                comma = true;
                self.pos += 1;
            } else if b != close {
                return err(
                    self.pos,
                    format!(
                        "unexpected {}, expected `,` or `{}`",
                        describe_byte(b),
                        close as char
                    ),
                );
            }
        }
    }

    fn list(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let (items, _, _) = self.items(b']')?;
        Ok(Node {
            start,
            end: self.pos,
            lit: Lit::List(items),
        })
    }

    fn paren(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let (mut items, count, comma) = self.items(b')')?;
        if count == 1 && !comma {
            self.last_len = self.first_len;
            // `(x)` is x itself; keep the span of the parentheses for messages.
            let mut inner = items.pop().expect("one item");
            inner.start = start;
            inner.end = self.pos;
            return Ok(inner);
        }
        Ok(Node {
            start,
            end: self.pos,
            lit: Lit::Tuple(items),
        })
    }

    fn brace(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        self.skip_ws(true)?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.last_len = 0;
            return Ok(Node {
                start,
                end: self.pos,
                lit: Lit::Dict(Vec::new()),
            });
        }
        let first = self.value()?;
        self.skip_ws(true)?;
        if self.peek() != Some(b':') {
            // A set: `{a, b}`.
            let mut items = vec![first];
            let b = self.expect_more("`,` or `}`")?;
            if b == b',' {
                self.pos += 1;
                let (more, count, _) = self.items(b'}')?;
                items.extend(more);
                self.last_len = count + 1;
            } else if b == b'}' {
                self.pos += 1;
                self.last_len = 1;
            } else {
                return err(
                    self.pos,
                    format!("unexpected {}, expected `:`, `,` or `}}`", describe_byte(b)),
                );
            }
            for it in &items {
                check_hashable(it)?;
            }
            return Ok(Node {
                start,
                end: self.pos,
                lit: Lit::Set(items),
            });
        }
        let keep_all = self.depth <= self.keep_depth;
        let mut pairs = Vec::new();
        let mut count = 0usize;
        let mut key = first;
        loop {
            check_hashable(&key)?;
            // At the `:`.
            self.pos += 1;
            self.skip_ws(true)?;
            let value = self.value()?;
            count += 1;
            if keep_all && count > self.kept_max {
                return self.too_many_kept(key.start);
            }
            if keep_all {
                pairs.push((key, value));
            }
            self.skip_ws(true)?;
            let b = self.expect_more("`,` or `}`")?;
            if b == b'}' {
                self.pos += 1;
                break;
            }
            if b != b',' {
                return err(
                    self.pos,
                    format!("unexpected {}, expected `,` or `}}`", describe_byte(b)),
                );
            }
            self.pos += 1;
            self.skip_ws(true)?;
            if self.expect_more("a key or `}`")? == b'}' {
                self.pos += 1;
                break;
            }
            key = self.value()?;
            self.skip_ws(true)?;
            let b = self.expect_more("`:`")?;
            if b != b':' {
                return err(
                    self.pos,
                    format!("unexpected {}, expected `:`", describe_byte(b)),
                );
            }
        }
        self.last_len = count;
        Ok(Node {
            start,
            end: self.pos,
            lit: Lit::Dict(pairs),
        })
    }

    fn number(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let src = self.src;
        let mut e = start;
        let is_digit_or_us = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let lit = if src[e] == b'0'
            && matches!(
                src.get(e + 1),
                Some(b'x' | b'X' | b'o' | b'O' | b'b' | b'B')
            ) {
            let radix = match src[e + 1] {
                b'x' | b'X' => 16,
                b'o' | b'O' => 8,
                _ => 2,
            };
            e += 2;
            let digits_start = e;
            while e < src.len() && is_digit_or_us(src[e]) {
                e += 1;
            }
            let text: String = src[digits_start..e]
                .iter()
                .map(|&b| b as char)
                .collect::<String>();
            let digits = clean_underscores(&text, start)?;
            if digits.is_empty() {
                return err(start, "an int literal with a base prefix has no digits");
            }
            match i128::from_str_radix(&digits, radix) {
                Ok(v) => Lit::Int(v),
                Err(_) if digits.chars().all(|c| c.is_digit(radix)) => {
                    Lit::BigInt(String::from_utf8_lossy(&src[start..e]).into_owned())
                }
                Err(_) => {
                    return err(
                        start,
                        format!(
                            "invalid digit in the int literal `{}`",
                            String::from_utf8_lossy(&src[start..e])
                        ),
                    )
                }
            }
        } else {
            // Decimal int, float or imaginary.
            while e < src.len() && (src[e].is_ascii_digit() || src[e] == b'_') {
                e += 1;
            }
            let mut is_float = false;
            if src.get(e) == Some(&b'.') {
                is_float = true;
                e += 1;
                while e < src.len() && (src[e].is_ascii_digit() || src[e] == b'_') {
                    e += 1;
                }
            }
            if matches!(src.get(e), Some(b'e' | b'E')) {
                let mut k = e + 1;
                if matches!(src.get(k), Some(b'+' | b'-')) {
                    k += 1;
                }
                if src.get(k).is_some_and(u8::is_ascii_digit) {
                    is_float = true;
                    e = k;
                    while e < src.len() && (src[e].is_ascii_digit() || src[e] == b'_') {
                        e += 1;
                    }
                }
            }
            if matches!(src.get(e), Some(b'j' | b'J')) {
                is_float = true;
                e += 1;
            }
            let text = String::from_utf8_lossy(&src[start..e]).into_owned();
            if text == "." {
                return err(start, "unexpected `.`, expected a value");
            }
            if is_float {
                Lit::Float(text)
            } else {
                let digits = clean_underscores(&text, start)?;
                if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0')
                {
                    return err(
                        start,
                        format!("leading zeros in the decimal int `{text}` are not allowed"),
                    );
                }
                match digits.parse::<i128>() {
                    Ok(v) => Lit::Int(v),
                    Err(_) => Lit::BigInt(digits),
                }
            }
        };
        self.pos = e;
        let end = self.pos;
        if self.allow_long_suffix {
            // numpy re-reads v1/v2 headers after deleting Python 2's `L` name after a number
            // token, so `3L` and `3 L` are both accepted.
            let save = self.pos;
            self.skip_ws(true)?;
            if self.peek() == Some(b'L') && self.word_end() == self.pos + 1 {
                self.pos += 1;
                return Ok(Node { start, end, lit });
            }
            self.pos = save;
        }
        if self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return err(
                start,
                format!(
                    "invalid number literal `{}`",
                    String::from_utf8_lossy(&src[start..self.word_end()])
                ),
            );
        }
        Ok(Node { start, end, lit })
    }

    /// One or more adjacent string literals, concatenated like Python does.
    fn strings(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let mut text = String::new();
        let mut bytes: Option<Vec<u8>> = None;
        let mut count = 0usize;
        loop {
            let at = self.pos;
            let (is_bytes, piece) = self.one_string()?;
            match (&mut bytes, is_bytes, count) {
                (_, true, 0) => bytes = Some(piece.into_bytes()),
                (Some(b), true, _) => b.extend(piece.into_bytes()),
                (None, false, _) => text.push_str(&piece.0),
                _ => return err(at, "cannot mix bytes and str literals"),
            }
            count += 1;
            let end = self.pos;
            self.skip_ws(true)?;
            let next_is_string = match self.peek() {
                Some(b'\'' | b'"') => true,
                Some(b) if b.is_ascii_alphabetic() => {
                    let w = self.word_end();
                    w - self.pos <= 2 && matches!(self.src.get(w), Some(b'\'' | b'"'))
                }
                _ => false,
            };
            if !next_is_string {
                self.pos = end;
                let lit = match bytes {
                    Some(b) => Lit::Bytes(b),
                    None => Lit::Str(text),
                };
                return Ok(Node { start, end, lit });
            }
        }
    }

    /// One string literal with optional prefix; returns whether it is a bytes literal.
    fn one_string(&mut self) -> Result<(bool, Piece), SyntaxError> {
        let start = self.pos;
        let mut raw = false;
        let mut is_bytes = false;
        let mut unicode = false;
        while let Some(b) = self.peek() {
            match b {
                b'r' | b'R' if !raw => raw = true,
                b'b' | b'B' if !is_bytes && !unicode => is_bytes = true,
                b'u' | b'U' if !is_bytes && !raw && !unicode => unicode = true,
                b'\'' | b'"' => break,
                _ => return err(start, "invalid string prefix"),
            }
            self.pos += 1;
        }
        if unicode && self.pos - start > 1 {
            return err(start, "invalid string prefix");
        }
        let quote = self.peek().expect("caller saw a quote");
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        let mut out = Piece(String::new(), Vec::new());
        loop {
            let Some(b) = self.peek() else {
                return err(start, "unterminated string literal (no closing quote)");
            };
            if b == quote {
                if !triple {
                    self.pos += 1;
                    return Ok((is_bytes, out));
                }
                if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                    self.pos += 3;
                    return Ok((is_bytes, out));
                }
            }
            if (b == b'\n' || b == b'\r') && !triple {
                return err(
                    start,
                    "unterminated string literal (a newline inside quotes)",
                );
            }
            if b == b'\\' && !raw {
                self.escape(&mut out, is_bytes)?;
                continue;
            }
            if b == b'\\' && raw {
                // A raw string still cannot end in an odd backslash before the quote.
                out.push_char('\\', is_bytes);
                self.pos += 1;
                if let Some(n) = self.peek() {
                    if n == quote || n == b'\\' {
                        out.push_char(n as char, is_bytes);
                        self.pos += 1;
                    }
                }
                continue;
            }
            if b >= 0x80 {
                if is_bytes {
                    return err(self.pos, "bytes literals may only hold ASCII characters");
                }
                let c = self.decode_char()?;
                out.push_char(c, false);
                continue;
            }
            out.push_char(b as char, is_bytes);
            self.pos += 1;
        }
    }

    /// Decodes the non-ASCII character at `pos` and advances past it.
    fn decode_char(&mut self) -> Result<char, SyntaxError> {
        match self.encoding {
            Encoding::Latin1 => {
                let c = self.src[self.pos] as char;
                self.pos += 1;
                Ok(c)
            }
            Encoding::Utf8 => {
                let b = self.src[self.pos];
                let len = match b {
                    0xc0..=0xdf => 2,
                    0xe0..=0xef => 3,
                    _ => 4,
                };
                let end = (self.pos + len).min(self.src.len());
                match std::str::from_utf8(&self.src[self.pos..end])
                    .ok()
                    .and_then(|s| s.chars().next())
                {
                    Some(c) => {
                        self.pos = end;
                        Ok(c)
                    }
                    None => err(self.pos, format!("invalid UTF-8 byte 0x{b:02x}")),
                }
            }
        }
    }

    fn escape(&mut self, out: &mut Piece, is_bytes: bool) -> Result<(), SyntaxError> {
        let at = self.pos;
        self.pos += 1;
        let Some(b) = self.peek() else {
            return err(at, "unterminated string literal (ends in `\\`)");
        };
        self.pos += 1;
        let simple = match b {
            b'\n' => Some(None),
            b'\r' => {
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
                Some(None)
            }
            b'\\' => Some(Some('\\')),
            b'\'' => Some(Some('\'')),
            b'"' => Some(Some('"')),
            b'a' => Some(Some('\x07')),
            b'b' => Some(Some('\x08')),
            b'f' => Some(Some('\x0c')),
            b'n' => Some(Some('\n')),
            b'r' => Some(Some('\r')),
            b't' => Some(Some('\t')),
            b'v' => Some(Some('\x0b')),
            _ => None,
        };
        if let Some(c) = simple {
            if let Some(c) = c {
                out.push_char(c, is_bytes);
            }
            return Ok(());
        }
        match b {
            b'0'..=b'7' => {
                let mut v = u32::from(b - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                if v > 0o377 {
                    return err(at, format!("invalid octal escape `\\{v:o}` (over \\377)"));
                }
                out.push_code(v, is_bytes);
                Ok(())
            }
            b'x' => self.hex_escape(at, 2, out, is_bytes),
            b'u' | b'U' if is_bytes => {
                // Not an escape in bytes literals: kept as written.
                out.push_char('\\', true);
                out.push_char(b as char, true);
                Ok(())
            }
            b'u' => self.hex_escape(at, 4, out, false),
            b'U' => self.hex_escape(at, 8, out, false),
            b'N' if !is_bytes => err(at, "`\\N{...}` escapes are not supported in headers"),
            _ => {
                // Python keeps unknown escapes as written (with a SyntaxWarning).
                out.push_char('\\', is_bytes);
                self.pos -= 1;
                Ok(())
            }
        }
    }

    fn hex_escape(
        &mut self,
        at: usize,
        n: usize,
        out: &mut Piece,
        is_bytes: bool,
    ) -> Result<(), SyntaxError> {
        let digits = self.src.get(self.pos..self.pos + n);
        let v = digits
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .and_then(|d| u32::from_str_radix(std::str::from_utf8(d).ok()?, 16).ok());
        let Some(v) = v else {
            return err(at, format!("truncated escape: expected {n} hex digits"));
        };
        if char::from_u32(v).is_none() {
            return err(
                at,
                format!("escape of code point 0x{v:x} that is not a valid character"),
            );
        }
        self.pos += n;
        out.push_code(v, is_bytes);
        Ok(())
    }
}

/// The decoded text of one string literal: chars for str, raw bytes for bytes literals.
struct Piece(String, Vec<u8>);

impl Piece {
    fn push_char(&mut self, c: char, is_bytes: bool) {
        if is_bytes {
            // Only ASCII reaches here for bytes literals.
            self.1.push(c as u32 as u8);
        } else {
            self.0.push(c);
        }
    }

    fn push_code(&mut self, v: u32, is_bytes: bool) {
        if is_bytes {
            self.1.push(v as u8);
        } else if let Some(c) = char::from_u32(v) {
            self.0.push(c);
        }
    }

    fn into_bytes(self) -> Vec<u8> {
        self.1
    }
}

fn clean_underscores(text: &str, at: usize) -> Result<String, SyntaxError> {
    if text.starts_with('_') || text.ends_with('_') || text.contains("__") {
        return err(at, format!("misplaced `_` in the number `{text}`"));
    }
    Ok(text.replace('_', ""))
}

fn check_hashable(n: &Node) -> Result<(), SyntaxError> {
    match &n.lit {
        Lit::List(_) | Lit::Dict(_) | Lit::Set(_) => err(
            n.start,
            format!(
                "{} cannot be a dict key or set item (unhashable)",
                n.type_name()
            ),
        ),
        Lit::Tuple(items) => items.iter().try_for_each(check_hashable),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        parse(s.as_bytes(), Encoding::Utf8, false)
            .unwrap_or_else(|e| panic!("{s:?}: {e:?}"))
            .repr()
    }

    fn bad(s: &str) -> SyntaxError {
        parse(s.as_bytes(), Encoding::Utf8, false).expect_err(s)
    }

    /// Expected values are Python's `repr(ast.literal_eval(s))`.
    #[test]
    fn accepts_what_literal_eval_accepts() {
        let table = [
            ("  {}", "{}"),
            ("\t{}", "{}"),
            ("{} # c", "{}"),
            ("{#c\n}", "{}"),
            ("{1:2,}", "{1: 2}"),
            ("(1,)", "(1,)"),
            ("( )", "()"),
            ("(1 , 2 ,)", "(1, 2)"),
            ("-1", "-1"),
            ("- 1", "-1"),
            ("+1", "1"),
            ("0x1F", "31"),
            ("0o7", "7"),
            ("0b1", "1"),
            ("1_0", "10"),
            ("00", "0"),
            ("0_0", "0"),
            ("True", "True"),
            ("None", "None"),
            ("'a' 'b'", "'ab'"),
            ("'a'\"b\"", "'ab'"),
            ("u'a'", "'a'"),
            ("U'a'", "'a'"),
            ("r'\\n'", "'\\\\n'"),
            ("b'a'", "b'a'"),
            ("'\\0'", "'\\x00'"),
            ("'\\101'", "'A'"),
            ("'\\u00e9'", "'é'"),
            ("'a\\\nb'", "'ab'"),
            ("'''a'''", "'a'"),
            ("{}\x0c", "{}"),
            ("\x0c{}", "{}"),
            ("{}\r\n", "{}"),
            ("{\r'a':1}", "{'a': 1}"),
            ("(1)", "1"),
            ("((1,),)", "((1,),)"),
            ("{'a': [1, (2,)]}", "{'a': [1, (2,)]}"),
            ("-(1)", "-1"),
            ("(-1,)", "(-1,)"),
            ("{}\n\n  \n", "{}"),
            ("\n{}", "{}"),
            ("\n\n{}\n", "{}"),
            ("\\\n{}", "{}"),
            ("{'a':\n1}", "{'a': 1}"),
            (
                "99999999999999999999999999999999999999999",
                "99999999999999999999999999999999999999999",
            ),
            ("'\\q'", "'\\\\q'"),
        ];
        for (input, want) in table {
            assert_eq!(ok(input), want, "input {input:?}");
        }
    }

    #[test]
    fn refuses_what_literal_eval_refuses() {
        let table = [
            ("\n  {}", "indent"),
            ("(,)", "unexpected `,`"),
            ("{'a':1,,}", "unexpected `,`"),
            ("{,}", "unexpected `,`"),
            ("[,]", "unexpected `,`"),
            ("--1", "two signs"),
            ("01", "leading zeros"),
            ("true", "not a literal"),
            ("'a' b'b'", "mix"),
            ("'\\x4'", "hex digits"),
            ("'\\777'", "octal"),
            ("'\\U00110000'", "not a valid character"),
            ("{}\x00", "NUL"),
            ("{1: 2} {}", "after the end"),
            ("-True", "only numbers"),
            ("{'a': 3L}", "invalid number"),
            ("{", "unexpected end"),
            ("'abc", "unterminated"),
            ("{[1]: 2}", "unhashable"),
        ];
        for (input, want) in table {
            let e = bad(input);
            assert!(e.message.contains(want), "{input:?}: {e:?}");
        }
    }

    /// Checking without keeping the tree accepts and refuses exactly what a full parse does,
    /// with the same errors: signs on `(1)`, `(x)` being x, unhashable items deep inside.
    #[test]
    fn shallow_parse_judges_like_the_full_parse() {
        let inputs = [
            "[-(1), ((1, 2)), (3)]",
            "[[-(1,)]]",
            "[{(1, [2]): 3}]",
            "[{(1, (2, [3])): 3}]",
            "[{1, 2, [3]}]",
            "[{(1, 2), 3}]",
            "[[-((1))]]",
            "{'a': [1, 2, {3: 4}], 'b': ((((5))))}",
            "[1, 2, 3",
            "[(1, 2) 3]",
        ];
        for input in inputs {
            let full = parse(input.as_bytes(), Encoding::Utf8, false);
            for depth in [0, 1, 2] {
                let keep = Keep {
                    depth,
                    max_items: usize::MAX,
                    what: "",
                };
                let shallow = parse_shallow(input.as_bytes(), Encoding::Utf8, false, keep);
                assert_eq!(
                    full.as_ref().err(),
                    shallow.as_ref().err(),
                    "{input:?} {depth}"
                );
                if let (Ok(f), Ok(s)) = (&full, &shallow) {
                    assert_eq!(
                        (f.start, f.end, f.type_name()),
                        (s.start, s.end, s.type_name())
                    );
                }
            }
        }
    }

    #[test]
    fn value_within_stops_at_the_budget() {
        let src = b"[1, 2, [3, 4]]";
        assert!(Parser::new_at(src, 0, Encoding::Utf8, false)
            .value_within(5)
            .unwrap()
            .is_none());
        let n = Parser::new_at(src, 0, Encoding::Utf8, false)
            .value_within(6)
            .unwrap()
            .unwrap();
        assert_eq!(n.repr(), "[1, 2, [3, 4]]");
        let (node, len) = Parser::new_at(src, 0, Encoding::Utf8, false)
            .skip_value()
            .unwrap();
        assert_eq!((node.type_name(), node.end, len), ("a list", src.len(), 3));
    }

    #[test]
    fn long_suffix_only_when_allowed() {
        let n = parse(b"(3L, 4 L)", Encoding::Latin1, true).unwrap();
        assert_eq!(n.repr(), "(3, 4)");
        assert!(parse(b"(3L,)", Encoding::Latin1, false).is_err());
    }

    #[test]
    fn repr_is_pythons() {
        // The expected text is what Python 3.11 printed for
        // `repr(ast.literal_eval(src))` of this `src`.
        let src =
            br#"{"s": b"it's", "t": [1, (2,), ()], "u": {1}, "v": "tab\t'q'", "w": b"\x00\\"}"#;
        let want =
            r#"{'s': b"it's", 't': [1, (2,), ()], 'u': {1}, 'v': "tab\t'q'", 'w': b'\x00\\'}"#;
        assert_eq!(parse(src, Encoding::Utf8, false).unwrap().repr(), want);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let s = "[".repeat(10_000);
        assert!(bad(&s).message.contains("nested deeper"));
    }
}
