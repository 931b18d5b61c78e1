//! Attribute values DynamoDB would refuse, found before sending: numbers it cannot store (NaN,
//! infinities, more than 38 digits, out of range) and nesting deeper than 32 levels.

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_table_rules::limits::MAX_ATTRIBUTE_NESTING;
use dynamo_table_rules::numbers::check_number;

/// The problem with attribute `name` of an item, if DynamoDB would refuse it: the path to the
/// bad value (from `name`) and the problem.
#[inline]
pub(crate) fn bad_attribute(name: &str, value: &AttributeValue) -> Option<(String, String)> {
    match value {
        // Strings, binary values, booleans and nulls are always storable (the common case).
        AttributeValue::S(_)
        | AttributeValue::B(_)
        | AttributeValue::Bool(_)
        | AttributeValue::Null(_) => None,
        _ => bad_value(value, 1).map(|(path, why)| (join(name, &path), why)),
    }
}

/// The problem with one value, if any, and where inside it.
pub(crate) fn bad_value(value: &AttributeValue, depth: usize) -> Option<(String, String)> {
    match value {
        AttributeValue::N(n) => check_number(n).err().map(|why| (String::new(), why)),
        AttributeValue::Ss(set) if set.is_empty() => Some((String::new(), empty_set())),
        AttributeValue::Bs(set) if set.is_empty() => Some((String::new(), empty_set())),
        AttributeValue::Ns(set) if set.is_empty() => Some((String::new(), empty_set())),
        AttributeValue::Ns(set) => set
            .iter()
            .find_map(|n| check_number(n).err())
            .map(|why| (String::new(), why)),
        AttributeValue::M(_) | AttributeValue::L(_) if depth > MAX_ATTRIBUTE_NESTING => Some((
            String::new(),
            format!(
                "maps and lists nest more than {MAX_ATTRIBUTE_NESTING} levels deep, DynamoDB's \
                 limit: flatten the structure, or store the deep part as a JSON string"
            ),
        )),
        AttributeValue::M(map) => map.iter().find_map(|(key, inner)| {
            bad_value(inner, depth + 1).map(|(path, why)| (join(&format!(".{key}"), &path), why))
        }),
        AttributeValue::L(list) => list.iter().enumerate().find_map(|(i, inner)| {
            bad_value(inner, depth + 1).map(|(path, why)| (join(&format!("[{i}]"), &path), why))
        }),
        _ => None,
    }
}

fn empty_set() -> String {
    "an empty set: DynamoDB has no empty set, so leave the attribute out (`#[serde(default, \
     skip_serializing_if = \"HashSet::is_empty\")]`) or remove it"
        .to_owned()
}

fn join(head: &str, rest: &str) -> String {
    format!("{head}{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::key::Item;

    fn find_bad_value(item: &Item) -> Option<(String, String)> {
        item.iter()
            .find_map(|(name, value)| bad_attribute(name, value))
    }

    #[test]
    fn bad_values_are_found_with_their_path() {
        let mut item = Item::new();
        item.insert("ok".into(), AttributeValue::N("1.5".into()));
        assert_eq!(find_bad_value(&item), None);
        let mut inner = std::collections::HashMap::new();
        inner.insert(
            "ratio".to_owned(),
            AttributeValue::L(vec![AttributeValue::N("NaN".into())]),
        );
        item.insert("stats".into(), AttributeValue::M(inner));
        let (path, why) = find_bad_value(&item).unwrap();
        assert_eq!(path, "stats.ratio[0]");
        assert!(why.contains("NaN"), "{why}");

        let mut deep = AttributeValue::S("x".into());
        for _ in 0..MAX_ATTRIBUTE_NESTING {
            deep = AttributeValue::L(vec![deep]);
        }
        let mut item = Item::new();
        item.insert("d".into(), deep.clone());
        assert_eq!(find_bad_value(&item), None);
        item.insert("d".into(), AttributeValue::L(vec![deep]));
        assert!(find_bad_value(&item).unwrap().1.contains("32 levels"));
    }
}
