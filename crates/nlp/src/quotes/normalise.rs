//! The normalising pass: every quote's pieces in order and apart, the quotes in order of their start.

use super::*;

pub(super) fn run(f: &mut Finder<'_>) {
    let f = &mut *f;
    let out = &mut f.out;
    // Every quote's pieces in order and apart: a piece that reaches into another joins it.
    for q in out.iter_mut() {
        q.spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(q.spans.len());
        for &(a, b) in &q.spans {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        q.spans = merged;
    }
    out.sort_by_key(|q| q.spans[0].0);
}
