//! Sparse vectors: `(term, weight)` pairs sorted by term, no repeated terms.

pub(crate) type Sparse = Vec<(u32, f32)>;

pub(crate) fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

pub(crate) fn norm(a: &[(u32, f32)]) -> f32 {
    a.iter().map(|(_, w)| w * w).sum::<f32>().sqrt()
}

/// `a + b`.
pub(crate) fn add(a: &[(u32, f32)], b: &[(u32, f32)]) -> Sparse {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if j >= b.len() || (i < a.len() && a[i].0 < b[j].0) {
            out.push(a[i]);
            i += 1;
        } else if i >= a.len() || b[j].0 < a[i].0 {
            out.push(b[j]);
            j += 1;
        } else {
            out.push((a[i].0, a[i].1 + b[j].1));
            i += 1;
            j += 1;
        }
    }
    out
}

/// Keeps the `n` heaviest entries (ties: the smaller term), still sorted by term.
pub(crate) fn keep_top(v: &mut Sparse, n: usize) {
    if v.len() <= n {
        return;
    }
    v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v.sort_unstable_by_key(|e| e.0);
}

/// Scales to unit length (a zero vector stays zero).
pub(crate) fn normalize(v: &mut Sparse) {
    let n = norm(v);
    if n > 0.0 {
        for e in v.iter_mut() {
            e.1 /= n;
        }
    }
}

/// The `n` heaviest terms, heaviest first (ties: the smaller term).
pub(crate) fn top_terms(v: &[(u32, f32)], n: usize) -> Vec<u32> {
    let mut s: Vec<(u32, f32)> = v.to_vec();
    s.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    s.into_iter().take(n).map(|e| e.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algebra() {
        let a = vec![(1, 1.0), (3, 2.0)];
        let b = vec![(2, 1.0), (3, 1.0)];
        assert_eq!(dot(&a, &b), 2.0);
        assert_eq!(add(&a, &b), vec![(1, 1.0), (2, 1.0), (3, 3.0)]);
        let mut c = add(&a, &b);
        keep_top(&mut c, 2);
        assert_eq!(c, vec![(1, 1.0), (3, 3.0)]);
        assert_eq!(top_terms(&c, 1), vec![3]);
        assert!((norm(&a) - 5f32.sqrt()).abs() < 1e-6);
        let mut u = a.clone();
        normalize(&mut u);
        assert!((dot(&u, &u) - 1.0).abs() < 1e-6);
    }
}
