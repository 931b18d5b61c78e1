//! DynamoDB's naming rules for tables and indexes.

use crate::limits::NAME_LENGTH;

/// True for the characters table and index names allow: `A-Z a-z 0-9 _ - .`.
///
/// ```
/// assert!(dynamo_table_rules::names::is_name_char('-'));
/// assert!(!dynamo_table_rules::names::is_name_char(' '));
/// ```
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// Checks a table or index name (`what` is "table" or "index"); the error says what is wrong
/// and how to fix it.
///
/// ```
/// use dynamo_table_rules::names::check_name;
/// assert!(check_name("table", "orders").is_ok());
/// assert!(check_name("table", "ab").unwrap_err().contains("2 characters"));
/// ```
pub fn check_name(what: &str, name: &str) -> Result<(), String> {
    if let Some(bad) = name.chars().find(|c| !is_name_char(*c)) {
        return Err(format!(
            "`{name}` is not a valid DynamoDB {what} name: `{bad}` is not allowed; use only \
             A-Z a-z 0-9 _ - ."
        ));
    }
    let len = name.chars().count();
    if !NAME_LENGTH.contains(&len) {
        return Err(format!(
            "`{name}` is not a valid DynamoDB {what} name: it has {len} characters, and a name \
             needs {} to {}",
            NAME_LENGTH.start(),
            NAME_LENGTH.end()
        ));
    }
    Ok(())
}

/// Checks a table-name prefix: the characters of a name, and short enough to leave room for a
/// table name of the shortest length.
///
/// ```
/// use dynamo_table_rules::names::check_prefix;
/// assert!(check_prefix("staging-").is_ok());
/// assert!(check_prefix("prod users/").is_err());
/// ```
pub fn check_prefix(prefix: &str) -> Result<(), String> {
    if let Some(bad) = prefix.chars().find(|c| !is_name_char(*c)) {
        return Err(format!(
            "table prefix `{prefix}` contains `{bad}`: DynamoDB table names allow only \
             A-Z a-z 0-9 _ - ."
        ));
    }
    let room = NAME_LENGTH.end() - NAME_LENGTH.start();
    if prefix.len() > room {
        return Err(format!(
            "table prefix `{prefix}` is {} characters long: table names are at most {} \
             characters, so keep the prefix at {room} or fewer",
            prefix.len(),
            NAME_LENGTH.end()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_follow_dynamodb_rules() {
        assert!(check_name("table", "orders").is_ok());
        assert!(check_name("table", "a.b-c_9").is_ok());
        assert!(
            check_name("table", "ab")
                .unwrap_err()
                .contains("2 characters")
        );
        assert!(check_name("table", &"x".repeat(255)).is_ok());
        assert!(check_name("table", &"x".repeat(256)).is_err());
        assert!(check_name("table", "my table").unwrap_err().contains("` `"));
        assert!(check_prefix(&"p".repeat(252)).is_ok());
        assert!(check_prefix(&"p".repeat(253)).is_err());
    }
}
