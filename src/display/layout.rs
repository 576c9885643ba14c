//! Where the formatted elements go: numpy's `_formatArray` nesting of brackets by shape, the
//! `...` of a summarized axis, and line wrapping at the line width; subarray fields as
//! nested lists.

use super::format::Format;
use super::EDGE_ITEMS;
use crate::shape::element_count;
use crate::value::Value;

/// Steps the grid position `pos` to the next one in C order (last axis fastest) over axes
/// of `shown[axis].len()` items; false after the last position.
pub(super) fn advance(pos: &mut [usize], shown: &[Vec<usize>]) -> bool {
    for axis in (0..pos.len()).rev() {
        pos[axis] += 1;
        if pos[axis] < shown[axis].len() {
            return true;
        }
        pos[axis] = 0;
    }
    false
}

/// The indices numpy prints along an axis of length `n`.
pub(super) fn shown_indices(n: usize, summarize: bool) -> Vec<usize> {
    if summarize && n > 2 * EDGE_ITEMS {
        (0..EDGE_ITEMS).chain(n - EDGE_ITEMS..n).collect()
    } else {
        (0..n).collect()
    }
}

/// The formatted shown elements and the shape they form.
pub(super) struct Grid<'a> {
    pub(super) words: &'a [String],
    /// Shown items per axis.
    pub(super) dims: Vec<usize>,
    /// Whether a `...` goes in the middle of each axis.
    pub(super) summarized: Vec<bool>,
}

impl Grid<'_> {
    /// numpy's `_formatArray` recursion for the sub-array starting at word `start` on `axis`,
    /// continuation lines indented by `hanging` spaces and at most `width` columns wide.
    pub(super) fn render(&self, axis: usize, start: usize, hanging: usize, width: usize) -> String {
        let n = self.dims[axis];
        let stride: usize = self.dims[axis + 1..].iter().product();
        let indent = " ".repeat(hanging);
        let mut s = String::new();
        if axis + 1 == self.dims.len() {
            // Leave room for the closing bracket.
            let elem_width = width.saturating_sub(1);
            let mut line = indent.clone();
            for j in 0..n {
                if self.summarized[axis] && j == EDGE_ITEMS {
                    extend_line(&mut s, &mut line, "...", elem_width, hanging);
                    line.push(' ');
                }
                extend_line(
                    &mut s,
                    &mut line,
                    &self.words[start + j],
                    elem_width,
                    hanging,
                );
                if j + 1 < n {
                    line.push(' ');
                }
            }
            s.push_str(&line);
        } else {
            let line_sep = "\n".repeat(self.dims.len() - axis - 1);
            for j in 0..n {
                if self.summarized[axis] && j == EDGE_ITEMS {
                    s.push_str(&indent);
                    s.push_str("...");
                    s.push_str(&line_sep);
                }
                s.push_str(&indent);
                s.push_str(&self.render(
                    axis + 1,
                    start + j * stride,
                    hanging + 1,
                    width.saturating_sub(1),
                ));
                if j + 1 < n {
                    s.push_str(&line_sep);
                }
            }
        }
        format!("[{}]", &s[hanging..])
    }
}

/// numpy's `_extendLine`: appends `word` to `line`, first moving `line` into `s` and starting
/// a new line indented by `hanging` spaces if the word would pass `width` (unless the line
/// holds nothing but the indent, where wrapping would not help).
fn extend_line(s: &mut String, line: &mut String, word: &str, width: usize, hanging: usize) {
    let line_len = line.chars().count();
    if line_len + word.chars().count() > width && line_len > hanging {
        s.push_str(line.trim_end());
        s.push('\n');
        line.clear();
        line.push_str(&" ".repeat(hanging));
    }
    line.push_str(word);
}

/// numpy's `SubArrayFormat`: `[a, b, c]`, nested by `shape`, with `...` past the threshold.
pub(super) fn subarray_text(
    format: &Format,
    shape: &[usize],
    items: &[Value],
    summarize: bool,
    out: &mut String,
) {
    let Some((&n, rest)) = shape.split_first() else {
        if let Some(v) = items.first() {
            out.push_str(&format.apply(v));
        }
        return;
    };
    let step = element_count(rest).unwrap_or(0);
    out.push('[');
    let indices = shown_indices(n, summarize);
    for (k, &i) in indices.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        if summarize && n > 2 * EDGE_ITEMS && k == EDGE_ITEMS {
            out.push_str("..., ");
        }
        let chunk = items.get(i * step..(i + 1) * step).unwrap_or(&[]);
        subarray_text(format, rest, chunk, summarize, out);
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use crate::display::array_to_string;
    use crate::dtype::{Dtype, Kind};
    use crate::shape::Order;

    #[test]
    fn layout_wraps_and_summarizes() {
        let ints: Vec<u8> = (0..=99).collect();
        let dtype = Dtype::scalar(Kind::UInt, crate::ByteOrder::NotApplicable, 1);
        // numpy 2.4.6: print(np.arange(100, dtype=np.uint8)[:30])
        assert_eq!(
            array_to_string(&ints[..30], &dtype, &[30], Order::C).unwrap(),
            "[ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23\n 24 25 26 \
             27 28 29]"
        );
        // numpy 2.4.6: print(np.arange(24, dtype=np.uint8).reshape(2, 3, 4))
        assert_eq!(
            array_to_string(&ints[..24], &dtype, &[2, 3, 4], Order::C).unwrap(),
            "[[[ 0  1  2  3]\n  [ 4  5  6  7]\n  [ 8  9 10 11]]\n\n [[12 13 14 15]\n  [16 17 18 \
             19]\n  [20 21 22 23]]]"
        );
    }
}
