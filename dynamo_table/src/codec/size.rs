//! DynamoDB's item-size arithmetic, to refuse an oversized item before it is sent.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_table_rules::limits::MAX_ITEM_BYTES;

use super::key::describe_key;
use crate::error::{Error, InvalidReason, Result};
use crate::schema::KeyNames;

/// Refuses an item over DynamoDB's 400 KB limit, naming its table and key.
pub(crate) fn check_item_size(
    table: &str,
    key: KeyNames,
    item: &HashMap<String, AttributeValue>,
) -> Result<()> {
    let size = item_size(item);
    if size > MAX_ITEM_BYTES {
        let advice = match bytes_as_list(item) {
            Some((attribute, len)) => format!(
                "attribute `{attribute}` is a list of {len} numbers, which is how serde writes a \
                 `Vec<u8>` (about 4 bytes per byte): store bytes as binary with \
                 `dynamo_table::schema::Binary` or `#[serde(with = \"serde_bytes\")]`"
            ),
            None => {
                "make it smaller, or keep the large part in S3 and store its address".to_owned()
            }
        };
        return Err(Error::invalid(
            InvalidReason::ItemTooLarge,
            format!(
                "the item with key {} for table `{table}` is {size} bytes, over DynamoDB's 400 KB \
                 item limit ({MAX_ITEM_BYTES} bytes, attribute names included): {advice}",
                describe_key(key, item)
            ),
        ));
    }
    Ok(())
}

/// The largest attribute that looks like bytes written as a list of numbers (a `Vec<u8>`), and
/// its length.
fn bytes_as_list(item: &HashMap<String, AttributeValue>) -> Option<(&str, usize)> {
    item.iter()
        .filter_map(|(name, value)| match value {
            AttributeValue::L(list)
                if list.len() >= 64
                    && list
                        .iter()
                        .all(|v| matches!(v, AttributeValue::N(n) if n.parse::<u8>().is_ok())) =>
            {
                Some((name.as_str(), list.len()))
            }
            _ => None,
        })
        .max_by_key(|(_, len)| *len)
}

/// The size DynamoDB counts for an item: each attribute's name plus its value.
pub(crate) fn item_size(item: &HashMap<String, AttributeValue>) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

fn number_size(n: &str) -> usize {
    let digits = n
        .trim_start_matches(['-', '+'])
        .split(['e', 'E'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    digits.div_ceil(2) + 1
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(set) => set.iter().map(String::len).sum(),
        AttributeValue::Ns(set) => set.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(set) => set.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(list) => 3 + list.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(map) => {
            3 + map
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
        // Types added to the SDK later: count conservatively as large as a short string.
        _ => 32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_dynamodb_rules() {
        let mut item = HashMap::new();
        item.insert("id".to_owned(), AttributeValue::S("abc".into()));
        assert_eq!(item_size(&item), 5);
        item.insert("n".to_owned(), AttributeValue::N("12345".into()));
        assert_eq!(item_size(&item), 5 + 1 + 4);
        item.insert("ok".to_owned(), AttributeValue::Bool(true));
        assert_eq!(item_size(&item), 10 + 3);
        item.insert(
            "l".to_owned(),
            AttributeValue::L(vec![AttributeValue::S("xy".into())]),
        );
        assert_eq!(item_size(&item), 13 + 1 + 3 + 1 + 2);
    }
}
