//! Key fingerprints: a canonical string per key, or a 64-bit hash of it, to match DynamoDB's
//! answers (unprocessed requests, returned items) back to the inputs, and a fast hasher for maps
//! keyed by them. A hash can collide: its users confirm a match by comparing the keys, or treat
//! two keys with one hash as ambiguous.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::key::Item;
use crate::schema::KeyNames;

/// A map keyed by key fingerprints, with a fast non-cryptographic hash: the keys are the
/// caller's own, per batch call, so there is nothing to defend against.
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A set of key fingerprints, with the same hasher.
pub(crate) type FastSet<K> = std::collections::HashSet<K, BuildHasherDefault<FastHasher>>;

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

/// A canonical string for a key, to match DynamoDB's answers (unprocessed requests, returned
/// items) back to the inputs. `None` if a key attribute is missing.
pub(crate) fn fingerprint(table: &str, names: KeyNames, attributes: &Item) -> Option<String> {
    let mut out = String::with_capacity(table.len() + 48);
    fingerprint_into(&mut out, table, names, attributes).then_some(out)
}

/// [`fingerprint`] written into `out` (cleared first), so that matching many answers reuses one
/// buffer; false if a key attribute is missing.
pub(crate) fn fingerprint_into(
    out: &mut String,
    table: &str,
    names: KeyNames,
    attributes: &Item,
) -> bool {
    out.clear();
    let Some(pk) = attributes.get(names.partition) else {
        return false;
    };
    let sk = match names.sort {
        Some(name) => match attributes.get(name) {
            Some(sk) => Some(sk),
            None => return false,
        },
        None => None,
    };
    // Each part is length-prefixed, so no two different keys can give the same string.
    push_part(out, 'T', table.as_bytes());
    push_value(out, pk);
    if let Some(sk) = sk {
        push_value(out, sk);
    }
    true
}

fn push_part(out: &mut String, tag: char, bytes: &[u8]) {
    out.push(tag);
    push_number(out, bytes.len());
    out.push(':');
    match std::str::from_utf8(bytes) {
        Ok(text) => out.push_str(text),
        Err(_) => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            for b in bytes {
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
}

/// Decimal digits of `n`, without the formatting machinery (this runs once per key).
fn push_number(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in &digits[at..] {
        out.push(char::from(*d));
    }
}

fn push_value(out: &mut String, value: &AttributeValue) {
    let (tag, bytes) = tagged_bytes(value);
    push_part(out, char::from(tag), &bytes);
}

/// A key value as a type tag and its bytes, for the fingerprint string and the hash alike.
fn tagged_bytes(value: &AttributeValue) -> (u8, Cow<'_, [u8]>) {
    match value {
        AttributeValue::S(s) => (b'S', Cow::Borrowed(s.as_bytes())),
        AttributeValue::N(n) => (b'N', Cow::Borrowed(n.as_bytes())),
        AttributeValue::B(b) => (b'B', Cow::Borrowed(b.as_ref())),
        // Keys are S, N or B; anything else is still told apart, if slowly.
        other => (b'?', Cow::Owned(format!("{other:?}").into_bytes())),
    }
}

/// A 64-bit hash of the key in `attributes` of the table numbered `table` (numbered by the
/// caller), without building a string; `None` if a key attribute is missing. Equal keys hash
/// alike; different keys almost never do, but can.
pub(crate) fn key_hash(table: u32, names: KeyNames, attributes: &Item) -> Option<u64> {
    let mut hasher = FastHasher::default();
    hasher.add(u64::from(table));
    for name in names.iter() {
        // Tagged and length-prefixed, as in the fingerprint string.
        let (tag, bytes) = tagged_bytes(attributes.get(name)?);
        hasher.write_u8(tag);
        hasher.write_usize(bytes.len());
        hasher.write(&bytes);
    }
    Some(hasher.finish())
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
    fn fingerprints_tell_keys_apart() {
        let key = |pk: AttributeValue, sk: AttributeValue| {
            HashMap::from([("p".to_owned(), pk), ("s".to_owned(), sk)])
        };
        let names = KeyNames {
            partition: "p",
            sort: Some("s"),
        };
        let a = fingerprint(
            "t",
            names,
            &key(
                AttributeValue::S("a:b".into()),
                AttributeValue::S("c".into()),
            ),
        );
        let b = fingerprint(
            "t",
            names,
            &key(
                AttributeValue::S("a".into()),
                AttributeValue::S("b:c".into()),
            ),
        );
        let c = fingerprint(
            "t",
            names,
            &key(AttributeValue::N("1".into()), AttributeValue::S("c".into())),
        );
        let d = fingerprint(
            "t",
            names,
            &key(AttributeValue::S("1".into()), AttributeValue::S("c".into())),
        );
        assert!(a.is_some() && a != b && c != d);
        assert_eq!(fingerprint("t", names, &HashMap::new()), None);
    }
}
