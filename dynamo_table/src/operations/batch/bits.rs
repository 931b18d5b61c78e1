//! A bit per key of a batch get: which are settled, or repeated.

/// A fixed number of bits, all off at first; out of range, a bit reads off and ignores `set`.
#[derive(Debug)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    pub(crate) fn new(len: usize) -> Self {
        Bits(vec![0; len.div_ceil(64)])
    }

    pub(crate) fn get(&self, i: usize) -> bool {
        self.0
            .get(i / 64)
            .is_some_and(|word| word & (1 << (i % 64)) != 0)
    }

    pub(crate) fn set(&mut self, i: usize, on: bool) {
        if let Some(word) = self.0.get_mut(i / 64) {
            if on {
                *word |= 1 << (i % 64);
            } else {
                *word &= !(1 << (i % 64));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn bits_are_set_and_cleared_one_at_a_time() {
        let mut bits = Bits::new(130);
        bits.set(0, true);
        bits.set(64, true);
        bits.set(129, true);
        bits.set(200, true);
        bits.set(64, false);
        let on: Vec<usize> = (0..210).filter(|&i| bits.get(i)).collect();
        assert_eq!(on, [0, 129]);
        bits.set(0, false);
        assert!(!bits.get(0) && bits.get(129));
    }
}
