//! A set of indices kept as runs of consecutive ones: the requests of a batch that have settled.
//!
//! A batch sends its requests in order, in chunks, a few at a time, and each chunk settles its
//! requests in order. Settled indices therefore form a few runs (about one per chunk in flight,
//! plus one per request DynamoDB left unprocessed) that merge as chunks end: the set stays as
//! small as the work in flight, where a bit per request grows with the batch. Requests settled
//! before sending (refused, or superseded by a later write of the same key) split the runs until
//! the chunks around them settle: a map entry each at worst, beside the outcome each of them
//! already has.

use std::collections::BTreeMap;
use std::ops::Range;

/// Indices as disjoint, non-adjacent runs: the run the last insert touched, and the others by
/// their start. Inserting the index that ends the last run (how a chunk settles) takes constant
/// time; any other insert, a search of the others, however scattered they are.
#[derive(Debug, Clone, Default)]
pub(crate) struct Runs {
    /// Runs other than `hot`: start to end (exclusive).
    cold: BTreeMap<usize, usize>,
    /// The run the last insert touched, empty at first.
    hot: Range<usize>,
    /// The start of the first cold run after `hot`: where `hot`, growing, meets it.
    next: Option<usize>,
}

impl Runs {
    /// True when `i` is in the set.
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.hot.contains(&i)
            || self
                .cold
                .range(..=i)
                .next_back()
                .is_some_and(|(_, &end)| end > i)
    }

    /// True when the set is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.hot.is_empty() && self.cold.is_empty()
    }

    /// Adds `i`.
    pub(crate) fn insert(&mut self, i: usize) {
        if self.hot.contains(&i) {
            return;
        }
        if self.hot.end != i || self.hot.is_empty() {
            self.make_hot(i);
            return;
        }
        self.hot.end = i + 1;
        if self.next == Some(self.hot.end) {
            self.join_next();
        }
    }

    /// Makes the run that holds `i`, `i` added, the hot one: the old hot run goes back among
    /// the others, and the runs `i` joins become one.
    fn make_hot(&mut self, i: usize) {
        if !self.hot.is_empty() {
            self.cold.insert(self.hot.start, self.hot.end);
        }
        let mut run = i..i + 1;
        if let Some((&start, &end)) = self.cold.range(..=i).next_back()
            && end >= i
        {
            self.cold.remove(&start);
            run = start..end.max(i + 1);
        }
        self.hot = run;
        self.join_next();
    }

    /// Joins to `hot` the cold run that starts where it ends, if there is one, and finds the
    /// next.
    fn join_next(&mut self) {
        if let Some(end) = self.cold.remove(&self.hot.end) {
            self.hot.end = end;
        }
        self.next = self
            .cold
            .range(self.hot.end..)
            .next()
            .map(|(&start, _)| start);
    }

    /// How many runs the set holds (what it costs).
    #[cfg(test)]
    fn run_count(&self) -> usize {
        self.cold.len() + usize::from(!self.hot.is_empty())
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
            // Runs are disjoint and never adjacent (merged).
            let mut all: Vec<(usize, usize)> = runs.cold.iter().map(|(&s, &e)| (s, e)).collect();
            if !runs.hot.is_empty() {
                all.push((runs.hot.start, runs.hot.end));
            }
            all.sort_unstable();
            for pair in all.windows(2) {
                assert!(pair[0].1 < pair[1].0, "{runs:?}");
            }
        }
    }

    #[test]
    fn scattered_inserts_then_a_sequential_fill_end_as_one_run() {
        // Superseded writes of random keys settle first, scattered; the chunks then fill the
        // gaps in order.
        let mut rng = fastrand::Rng::with_seed(11);
        let n = 20_000;
        let mut scattered: Vec<usize> = (0..n).filter(|_| rng.bool()).collect();
        rng.shuffle(&mut scattered);
        let mut runs = Runs::default();
        let mut expected = vec![false; n];
        for &i in &scattered {
            runs.insert(i);
            expected[i] = true;
        }
        agrees(&runs, &expected);
        assert!(runs.run_count() > 1_000, "{} runs", runs.run_count());
        for i in 0..n {
            runs.insert(i);
        }
        assert_eq!(runs.run_count(), 1);
        agrees(&runs, &vec![true; n]);
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
