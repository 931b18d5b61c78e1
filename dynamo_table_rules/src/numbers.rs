//! DynamoDB's number rules: at most 38 significant digits, magnitudes from 1E-130 to below
//! 1E+126, no NaN or infinity.

/// Checks the text of a DynamoDB number (`N`); the error says what is wrong.
///
/// ```
/// use dynamo_table_rules::numbers::check_number;
/// assert!(check_number("-12.50").is_ok());
/// assert!(check_number("NaN").unwrap_err().contains("not a number"));
/// assert!(check_number(&u128::MAX.to_string()).unwrap_err().contains("38"));
/// ```
pub fn check_number(text: &str) -> Result<(), String> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    // The common case, an integer of at most 38 digits, is always storable.
    if (1..=38).contains(&unsigned.len()) && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => e
            .strip_prefix('+')
            .unwrap_or(e)
            .parse()
            .map_err(|_| not_a_number(text))?,
    };
    if (int.is_empty() && frac.is_empty()) || !digits_only(int) || !digits_only(frac) {
        return Err(not_a_number(text));
    }
    // The significant digits run from the first non-zero digit to the last, across the point;
    // counted in place (this runs once per number written).
    let int_digits = int.trim_start_matches('0');
    let (leading, significant) = if int_digits.is_empty() {
        let frac_digits = frac.trim_start_matches('0');
        (
            int.len() + frac.len() - frac_digits.len(),
            frac_digits.trim_end_matches('0').len(),
        )
    } else {
        let frac_kept = frac.trim_end_matches('0').len();
        let significant = if frac_kept == 0 {
            int_digits.trim_end_matches('0').len()
        } else {
            int_digits.len() + frac_kept
        };
        (int.len() - int_digits.len(), significant)
    };
    if significant == 0 {
        return Ok(()); // zero
    }
    if significant > 38 {
        return Err(format!(
            "the number {text} has {significant} significant digits; DynamoDB keeps at most 38: \
             round it, or store it as a string"
        ));
    }
    // The power of ten of the first significant digit.
    let magnitude = int.len() as i64 - leading as i64 - 1 + exponent;
    if !(-130..=125).contains(&magnitude) {
        return Err(format!(
            "the number {text} is outside DynamoDB's range (1E-130 to 9.99...E+125 in \
             magnitude): scale it, or store it as a string"
        ));
    }
    Ok(())
}

fn not_a_number(text: &str) -> String {
    format!(
        "`{text}` is not a number DynamoDB can store (NaN and infinities are not): use an \
         `Option` and leave the attribute out instead"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_dynamodb_rules() {
        for ok in [
            "0",
            "-0",
            "12",
            "-12.5",
            "0.000001",
            "1e10",
            "1E-130",
            "9.9e125",
            "00012",
            "1.",
            &u64::MAX.to_string(),
            &i64::MIN.to_string(),
            &"9".repeat(38),
            "100000000000000000000000000000000000000000000",
            "0.00123",
            "1234567890123456789.0123456789012345678",
            "1234567890123456789.01234567890123456780000",
            "000.0000012345678901234567890123456789012345678",
            &format!("0.{}1", "0".repeat(129)),
        ] {
            assert!(check_number(ok).is_ok(), "{ok}: {:?}", check_number(ok));
        }
        for bad in [
            "NaN",
            "inf",
            "-inf",
            "",
            "-",
            "1e",
            "1.2.3",
            "0x10",
            &"9".repeat(39),
            &u128::MAX.to_string(),
            &i128::MIN.to_string(),
            "1e126",
            "1e-131",
            ".",
            "1 2",
            "1234567890123456789.01234567890123456789",
            "0.000123456789012345678901234567890123456789",
            "10000000000000000000000000000000000000.1",
            &format!("0.{}1", "0".repeat(130)),
        ] {
            assert!(check_number(bad).is_err(), "{bad}");
        }
    }
}
