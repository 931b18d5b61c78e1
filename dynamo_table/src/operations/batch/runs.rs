//! A set of indices kept as runs of consecutive ones: the requests of a batch that have settled.
//!
//! A batch sends its requests in order, in chunks, a few at a time, and each chunk settles its
//! requests in order. Settled indices therefore form a few runs (about one per chunk in flight,
//! plus one per request DynamoDB left unprocessed) that merge as chunks end: the set stays as
//! small as the work in flight, where a bit per request grows with the batch.

use std::ops::Range;

/// Indices as sorted, disjoint, non-adjacent runs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Runs {
    runs: Vec<Range<usize>>,
    /// The run the last insert touched: the next index usually extends it.
    last: usize,
}

impl Runs {
    /// True when `i` is in the set.
    pub(crate) fn contains(&self, i: usize) -> bool {
        let at = self.runs.partition_point(|run| run.end <= i);
        self.runs.get(at).is_some_and(|run| run.start <= i)
    }

    /// True when the set is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Adds `i`.
    pub(crate) fn insert(&mut self, i: usize) {
        // The common case: `i` follows the run the last insert touched.
        let at = match self.runs.get(self.last) {
            Some(run) if run.end == i => self.last,
            _ => self.runs.partition_point(|run| run.end < i),
        };
        self.last = at;
        let Some(run) = self.runs.get_mut(at) else {
            self.runs.push(i..i + 1);
            return;
        };
        if run.contains(&i) {
            return;
        }
        if run.end == i {
            run.end = i + 1;
            let end = run.end;
            if self.runs.get(at + 1).is_some_and(|next| next.start == end) {
                let next = self.runs.remove(at + 1);
                self.runs[at].end = next.end;
            }
        } else if run.start == i + 1 {
            run.start = i;
        } else {
            self.runs.insert(at, i..i + 1);
        }
    }

    /// How many runs the set holds (what it costs).
    #[cfg(test)]
    fn run_count(&self) -> usize {
        self.runs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::Runs;

    /// Each index is in `runs` exactly when `expected` says so, and the one past its end is not.
    fn agrees(runs: &Runs, expected: &[bool]) {
        for (i, &want) in expected.iter().enumerate() {
            assert_eq!(runs.contains(i), want, "index {i} in {runs:?}");
        }
        assert!(!runs.contains(expected.len()));
    }

    #[test]
    fn inserts_in_any_order_agree_with_a_plain_set() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200 {
            let len = rng.usize(1..80);
            let mut runs = Runs::default();
            let mut expected = vec![false; len];
            for _ in 0..rng.usize(0..len * 2) {
                let i = rng.usize(0..len);
                runs.insert(i);
                expected[i] = true;
                agrees(&runs, &expected);
            }
            // Runs are sorted, disjoint and never adjacent (merged).
            for pair in runs.runs.windows(2) {
                assert!(pair[0].end < pair[1].start, "{runs:?}");
            }
        }
    }

    #[test]
    fn chunks_settling_out_of_order_merge_into_one_run() {
        let mut runs = Runs::default();
        // Ten chunks of 25, the odd ones first, each settling in order.
        for chunk in (0..10)
            .filter(|c| c % 2 == 1)
            .chain((0..10).filter(|c| c % 2 == 0))
        {
            for i in chunk * 25..(chunk + 1) * 25 {
                runs.insert(i);
            }
        }
        assert_eq!(runs.run_count(), 1);
        agrees(&runs, &[true; 250]);
        assert!(!runs.is_empty());
    }
}
