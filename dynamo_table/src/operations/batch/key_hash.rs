//! 64-bit key hashes, to find repeated keys in a batch and to match DynamoDB's answers
//! (returned items, unprocessed requests) back to the inputs; a fast hasher for maps keyed by
//! them. A hash can collide: its users confirm a match by comparing the keys, or treat two keys
//! with one hash as ambiguous.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::key::{Item, KeyView, with_key_views};
use crate::error::{Error, Result};
use crate::schema::{DynamoTable, KeyNames};

/// A map keyed by key hashes or request numbers, with a fast non-cryptographic hash: the keys are the
/// caller's own, per batch call, so there is nothing to defend against.
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// The FxHash mixing step (as in rustc), over 8-byte words, finished by a full mix.
#[derive(Default)]
pub(crate) struct FastHasher {
    hash: u64,
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply above leaves the low bits depending on the low bits of the last word
        // only (for a key such as "00000123", nearly constant), and a map picks its bucket by
        // the low bits: mix every bit into every other (splitmix64's finalizer) first.
        let mut x = self.hash;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }
}

/// A key value as a type tag and its bytes, for the hash.
fn tagged_bytes(value: KeyView<'_>) -> (u8, Cow<'_, [u8]>) {
    match value {
        KeyView::S(s) => (b'S', Cow::Borrowed(s.as_bytes())),
        KeyView::N(n) => (b'N', Cow::Borrowed(n.as_bytes())),
        KeyView::B(b) => (b'B', Cow::Borrowed(b)),
        // Keys are S, N or B; anything else is still told apart, if slowly.
        KeyView::Other(other) => (b'?', Cow::Owned(format!("{other:?}").into_bytes())),
    }
}

/// A 64-bit hash of the key in `attributes` of the table numbered `table` (numbered by the
/// caller), without building a string; `None` if a key attribute is missing. Equal keys hash
/// alike; different keys almost never do, but can.
pub(crate) fn key_hash(table: u32, names: KeyNames, attributes: &Item) -> Option<u64> {
    let pk = attributes.get(names.partition)?;
    let sk = match names.sort {
        Some(name) => Some(attributes.get(name)?),
        None => None,
    };
    Some(values_hash(table, pk, sk))
}

/// [`key_hash`] of a key given as its values (partition, then sort).
pub(crate) fn values_hash(table: u32, pk: &AttributeValue, sk: Option<&AttributeValue>) -> u64 {
    views_hash(table, KeyView::of(pk), sk.map(KeyView::of))
}

/// [`values_hash`] of values read in place.
fn views_hash(table: u32, pk: KeyView<'_>, sk: Option<KeyView<'_>>) -> u64 {
    let mut hasher = FastHasher::default();
    hasher.add(u64::from(table));
    for value in std::iter::once(pk).chain(sk) {
        // Tagged and length-prefixed: no two different keys give the same words.
        let (tag, bytes) = tagged_bytes(value);
        hasher.write_u8(tag);
        hasher.write_usize(bytes.len());
        hasher.write(&bytes);
    }
    hasher.finish()
}

/// The hash of a `T` key, checked as [`key_map`](crate::codec::key::key_map) checks it, without
/// building the map or copying a string key.
pub(crate) fn typed_key_hash<T: DynamoTable>(
    table: &str,
    number: u32,
    pk: &T::PK,
    sk: Option<&T::SK>,
) -> Result<u64> {
    with_key_views::<T, _>(table, pk, sk, |pk, sk| views_hash(number, pk, sk))
}

/// Which of many hashes occur more than once, in two bits per slot and about eight slots per
/// hash (a quarter of a byte per hash, where a map of them takes some twenty bytes). A hash it
/// calls unique is unique; one that may repeat (a repeat, or a hash sharing its slot, about one
/// in eight) is for the caller to check exactly.
pub(crate) struct Repeats {
    seen: Vec<Box<[u64]>>,
    again: Vec<Box<[u64]>>,
    mask: u64,
}

/// Words per page of [`Repeats`]. The structures that find repeated keys live only until the
/// batch is sent, so each of their blocks stays under 128 KiB (8 KiB pages here, shards in
/// [`LastByKey`]): glibc maps a larger block on its own, and unmapping it raises the size from
/// which later blocks are mapped, which left about half a MiB more resident for the rest of a
/// 100,000-key batch than the raw SDK's code.
const PAGE_WORDS: usize = 1024;

impl Repeats {
    /// Room for `n` hashes.
    pub(crate) fn for_hashes(n: usize) -> Self {
        let slots = n.saturating_mul(8).next_power_of_two().max(64);
        let words = slots / 64;
        let page = words.min(PAGE_WORDS);
        let pages = || {
            (0..words / page)
                .map(|_| vec![0; page].into_boxed_slice())
                .collect()
        };
        Repeats {
            seen: pages(),
            again: pages(),
            mask: slots as u64 - 1,
        }
    }

    /// The page, the word and the bit of `hash`'s slot (its low bits, which [`FastHasher`]
    /// mixes).
    fn slot(&self, hash: u64) -> (usize, usize, u64) {
        let slot = (hash & self.mask) as usize;
        let word = slot / 64;
        (word / PAGE_WORDS, word % PAGE_WORDS, 1 << (slot % 64))
    }

    pub(crate) fn add(&mut self, hash: u64) {
        let (page, word, bit) = self.slot(hash);
        if self.seen[page][word] & bit == 0 {
            self.seen[page][word] |= bit;
        } else {
            self.again[page][word] |= bit;
        }
    }

    /// False when `hash` was added at most once.
    pub(crate) fn may_repeat(&self, hash: u64) -> bool {
        let (page, word, bit) = self.slot(hash);
        self.again[page][word] & bit != 0
    }
}

/// The last of each key among numbered keys (writes, reads) whose hashes may repeat: by hash,
/// and by key where different keys share a hash (rare).
/// Its map is in [`SHARDS`] shards by the hash's top bits, so that no block of it is large
/// (see [`PAGE_WORDS`]).
#[derive(Default)]
pub(crate) struct LastByKey {
    by_hash: [FastMap<u64, usize>; SHARDS],
    collided: FastMap<u64, Vec<usize>>,
}

/// Shards of [`LastByKey`]'s map: 4,096 keys take about 9 KiB each.
const SHARDS: usize = 16;

impl LastByKey {
    /// Records `index` (key hash `hash`) as the last of its key; returns the earlier one it
    /// replaces, if any. `same` tells whether two numbered keys are equal.
    pub(crate) fn replace(
        &mut self,
        hash: u64,
        index: usize,
        same: impl Fn(usize, usize) -> bool,
    ) -> Option<usize> {
        let by_hash = &mut self.by_hash[(hash >> 60) as usize % SHARDS];
        match by_hash.get(&hash) {
            None => {
                by_hash.insert(hash, index);
                None
            }
            Some(&earlier) if same(earlier, index) => {
                by_hash.insert(hash, index);
                Some(earlier)
            }
            Some(_) => {
                let writes = self.collided.entry(hash).or_default();
                match writes.iter().position(|&w| same(w, index)) {
                    Some(at) => Some(std::mem::replace(&mut writes[at], index)),
                    None => {
                        writes.push(index);
                        None
                    }
                }
            }
        }
    }
}

/// Up to this many keys, repeated keys are found in one pass through a map of every hash (a
/// few hundred KiB at most); beyond it, in two passes through [`Repeats`], which hash each key
/// twice but hold a quarter of a byte per key.
const ONE_PASS: usize = 4096;

/// What [`find_repeats`] found about one key.
pub(crate) enum Found {
    /// The key could not be hashed (the caller's hash refused it).
    Refused(usize, Error),
    /// Key `later` equals key `earlier`, the last equal key before it.
    Repeat { earlier: usize, later: usize },
}

/// Tells `found` of every key among `0..len` that repeats an earlier one, and of every key that
/// `hash` refuses (`Ok(None)`: a key to leave out). Keys with equal hashes are compared with
/// `same`; `found` can stop the search with an error.
pub(crate) fn find_repeats(
    len: usize,
    hash: impl Fn(usize) -> Result<Option<u64>>,
    same: impl Fn(usize, usize) -> bool,
    mut found: impl FnMut(Found) -> Result<()>,
) -> Result<()> {
    let mut last = LastByKey::default();
    if len <= ONE_PASS {
        for i in 0..len {
            match hash(i) {
                Ok(Some(h)) => repeat_of(&mut last, h, i, &same, &mut found)?,
                Ok(None) => {}
                Err(error) => found(Found::Refused(i, error))?,
            }
        }
        return Ok(());
    }
    let mut repeats = Repeats::for_hashes(len);
    for i in 0..len {
        match hash(i) {
            Ok(Some(h)) => repeats.add(h),
            Ok(None) => {}
            Err(error) => found(Found::Refused(i, error))?,
        }
    }
    for i in 0..len {
        // A refused key is refused again, and left out.
        if let Ok(Some(h)) = hash(i)
            && repeats.may_repeat(h)
        {
            repeat_of(&mut last, h, i, &same, &mut found)?;
        }
    }
    Ok(())
}

/// Records key `later` (hash `h`) in `last`, telling `found` if it repeats an earlier key.
fn repeat_of(
    last: &mut LastByKey,
    h: u64,
    later: usize,
    same: &impl Fn(usize, usize) -> bool,
    found: &mut impl FnMut(Found) -> Result<()>,
) -> Result<()> {
    match last.replace(h, later, same) {
        Some(earlier) => found(Found::Repeat { earlier, later }),
        None => Ok(()),
    }
}

/// The group of `table` among `groups` (a batch call's requests by table), added with `new()`
/// if it is not there yet. A call touches few tables: a linear search beats hashing a name per
/// request.
pub(crate) fn group_of<'a, 'g, G>(
    groups: &'g mut Vec<(&'a str, G)>,
    table: &'a str,
    new: impl FnOnce() -> G,
) -> &'g mut G {
    let at = match groups.iter().position(|(name, _)| *name == table) {
        Some(at) => at,
        None => {
            groups.push((table, new()));
            groups.len() - 1
        }
    };
    &mut groups[at].1
}

/// Names of the distinct tables among `tables`, for logs and error messages.
pub(crate) fn table_list<'a>(tables: impl Iterator<Item = &'a str>) -> String {
    let mut names: Vec<&str> = Vec::new();
    for table in tables {
        // A batch touches few tables: a linear check beats sorting a name per request.
        if !names.contains(&table) {
            names.push(table);
        }
    }
    names.sort_unstable();
    names.join("`, `")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_hashes_of_sequential_keys_spread_over_the_low_bits() {
        // Maps pick buckets by the low bits: sequential sort keys must not crowd a few.
        let names = KeyNames {
            partition: "p",
            sort: Some("s"),
        };
        let mut buckets = std::collections::HashSet::new();
        for i in 0..10_000 {
            let key = HashMap::from([
                ("p".to_owned(), AttributeValue::S("big".into())),
                ("s".to_owned(), AttributeValue::S(format!("{i:08}"))),
            ]);
            let hash = key_hash(0, names, &key).unwrap();
            buckets.insert(hash & 0x3ff);
        }
        assert!(buckets.len() > 1000, "{} of 1024 buckets", buckets.len());
    }

    #[test]
    fn repeated_hashes_are_always_flagged_and_few_unique_ones_are() {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let hashes: Vec<u64> = (0..10_000).map(|_| next()).collect();
        let mut repeats = Repeats::for_hashes(hashes.len() + 100);
        for &h in &hashes {
            repeats.add(h);
        }
        for &h in &hashes[..100] {
            repeats.add(h);
        }
        assert!(hashes[..100].iter().all(|&h| repeats.may_repeat(h)));
        let flagged = hashes[100..]
            .iter()
            .filter(|&&h| repeats.may_repeat(h))
            .count();
        // About one in eight shares a slot with another hash; none of them is a repeat.
        assert!(
            flagged < 9_900 / 6,
            "{flagged} of 9,900 unique hashes flagged"
        );
        assert!(!Repeats::for_hashes(0).may_repeat(7));
    }

    #[test]
    fn repeats_are_found_in_one_pass_and_in_two_even_when_hashes_collide() {
        for len in [100, ONE_PASS + 1000] {
            // Key i is i % (len - 10): the last ten repeat the first ten. Hashes collide in
            // sevens; key 3 is refused.
            let key = |i: usize| i % (len - 10);
            let hash = |i: usize| match key(i) {
                3 => Err(Error::Unprocessed {
                    table: "t".into(),
                    attempts: 0,
                }),
                k => Ok(Some((k % 7) as u64)),
            };
            let mut repeats = Vec::new();
            let mut refused = Vec::new();
            find_repeats(
                len,
                hash,
                |a, b| key(a) == key(b),
                |found| {
                    match found {
                        Found::Refused(i, _) => refused.push(i),
                        Found::Repeat { earlier, later } => repeats.push((earlier, later)),
                    }
                    Ok(())
                },
            )
            .unwrap();
            let expected: Vec<(usize, usize)> = (0..10)
                .filter(|&k| k != 3)
                .map(|k| (k, len - 10 + k))
                .collect();
            assert_eq!(repeats, expected, "{len} keys");
            assert_eq!(refused, [3, len - 7], "{len} keys");
        }
    }

    #[test]
    fn a_key_hashes_alike_as_a_map_and_as_its_values() {
        let names = KeyNames {
            partition: "p",
            sort: Some("s"),
        };
        let (p, s) = (AttributeValue::S("a".into()), AttributeValue::N("1".into()));
        let key = HashMap::from([("p".to_owned(), p.clone()), ("s".to_owned(), s.clone())]);
        assert_eq!(key_hash(3, names, &key), Some(values_hash(3, &p, Some(&s))));
        assert_ne!(values_hash(3, &p, Some(&s)), values_hash(3, &s, Some(&p)));
        assert_ne!(values_hash(3, &p, Some(&s)), values_hash(4, &p, Some(&s)));
    }

    /// Key types for [`typed_key_hash`]: strings (read in place), and a number and binary value.
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Strings;

    impl DynamoTable for Strings {
        type PK = String;
        type SK = String;
        const TABLE: &'static str = "strings";
        const PARTITION_KEY: &'static str = "p";
        const SORT_KEY: Option<&'static str> = Some("s");
        fn partition_key(&self) -> String {
            String::new()
        }
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Numbers;

    impl DynamoTable for Numbers {
        type PK = u64;
        type SK = crate::schema::Binary;
        const TABLE: &'static str = "numbers";
        const PARTITION_KEY: &'static str = "n";
        const SORT_KEY: Option<&'static str> = Some("b");
        fn partition_key(&self) -> u64 {
            0
        }
    }

    /// Asserts that [`typed_key_hash`] gives what it gave before it read keys in place (the key
    /// converted, checked, then hashed): the same hash, or the same refusal.
    fn hashes_as_when_converted<T: DynamoTable>(pk: &T::PK, sk: Option<&T::SK>) {
        let in_place = typed_key_hash::<T>("t", 3, pk, sk);
        let converted = crate::codec::key::key_values::<T>("t", pk, sk)
            .map(|(pk, sk)| values_hash(3, &pk, sk.as_ref()));
        match (in_place, converted) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{pk:?} {sk:?}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            (a, b) => panic!("{pk:?} {sk:?}: {a:?} against {b:?}"),
        }
    }

    #[test]
    fn a_typed_key_read_in_place_hashes_and_is_refused_as_when_converted() {
        let long = "x".repeat(2049);
        let strings: [(&str, Option<&str>); 6] = [
            ("a", Some("b")),
            ("b", Some("a")),
            ("", Some("b")),
            ("a", Some(&long[..1025])),
            (&long, Some("s")),
            ("a", None),
        ];
        for (pk, sk) in strings {
            hashes_as_when_converted::<Strings>(&pk.to_owned(), sk.map(str::to_owned).as_ref());
        }
        for bytes in [vec![1, 2, 3], Vec::new()] {
            hashes_as_when_converted::<Numbers>(&7, Some(&crate::schema::Binary::from(bytes)));
        }
        // Refusals compared above are refusals indeed.
        assert!(typed_key_hash::<Strings>("t", 3, &long, Some(&"s".to_owned())).is_err());
        let empty = crate::schema::Binary::from(Vec::new());
        assert!(typed_key_hash::<Numbers>("t", 3, &7, Some(&empty)).is_err());
    }
}
