//! The caller's keys of a batch get, each released as soon as its item is found.
//!
//! A found key is never handed back (the item stands for it), so its heap data, the key strings
//! of most tables, is freed while the batch goes on rather than when it returns. Only missing
//! and failed keys are kept to the end, to be returned.

use super::bits::Bits;

/// The keys, by index.
pub(crate) enum Keys<K> {
    /// Keys that own heap data and fit an `Option` at no cost: each is taken out when released.
    Releasable(Vec<Option<K>>),
    /// Keys that own nothing (numbers), or whose `Option` would be larger: releasing one would
    /// free nothing, so they are kept whole.
    Kept(Vec<K>),
}

impl<K> Keys<K> {
    pub(crate) fn new(keys: impl Iterator<Item = K>) -> Self {
        if std::mem::needs_drop::<K>() && size_of::<Option<K>>() == size_of::<K>() {
            // Same size: collected in the allocation the keys came in, where it can be.
            Keys::Releasable(keys.map(Some).collect())
        } else {
            Keys::Kept(keys.collect())
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Keys::Releasable(keys) => keys.len(),
            Keys::Kept(keys) => keys.len(),
        }
    }

    /// Key `i`, unless it is out of range or released.
    pub(crate) fn get(&self, i: usize) -> Option<&K> {
        match self {
            Keys::Releasable(keys) => keys.get(i)?.as_ref(),
            Keys::Kept(keys) => keys.get(i),
        }
    }

    /// Frees key `i`, which is not needed any more.
    pub(crate) fn release(&mut self, i: usize) {
        if let Keys::Releasable(keys) = self
            && let Some(key) = keys.get_mut(i)
        {
            *key = None;
        }
    }

    /// Removes the keys whose bit is on; the others keep their order.
    pub(crate) fn remove(&mut self, removed: &Bits) {
        fn keep<T>(keys: &mut Vec<T>, removed: &Bits) {
            let mut at = 0;
            keys.retain(|_| {
                at += 1;
                !removed.get(at - 1)
            });
        }
        match self {
            Keys::Releasable(keys) => keep(keys, removed),
            Keys::Kept(keys) => keep(keys, removed),
        }
    }

    /// The keys not released, with their indices.
    pub(crate) fn into_remaining(self) -> impl Iterator<Item = (usize, K)> {
        let (releasable, kept) = match self {
            Keys::Releasable(keys) => (keys, Vec::new()),
            Keys::Kept(keys) => (Vec::new(), keys),
        };
        let releasable = releasable
            .into_iter()
            .enumerate()
            .filter_map(|(i, key)| Some((i, key?)));
        releasable.chain(kept.into_iter().enumerate())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_own_strings_are_released_and_numbers_are_kept() {
        let mut strings = Keys::new(["a", "b", "c", "d"].into_iter().map(String::from));
        assert!(matches!(strings, Keys::Releasable(_)));
        let mut removed = Bits::new(4);
        removed.set(1, true);
        strings.remove(&removed);
        assert_eq!(strings.len(), 3);
        strings.release(1);
        assert_eq!(strings.get(1), None);
        assert_eq!(strings.get(2).map(String::as_str), Some("d"));
        let left: Vec<(usize, String)> = strings.into_remaining().collect();
        assert_eq!(left, [(0, "a".to_owned()), (2, "d".to_owned())]);

        let mut numbers = Keys::new([7u64, 8, 9].into_iter());
        assert!(matches!(numbers, Keys::Kept(_)));
        numbers.release(0);
        assert_eq!(numbers.get(0), Some(&7));
        assert_eq!(numbers.into_remaining().count(), 3);
    }
}
