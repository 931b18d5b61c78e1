//! The expression checker and the page-token decoder never panic, and no input makes them
//! slow: 100,000 seeded random and mutated inputs each, under `catch_unwind`.

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use dynamo_table::expression::Expression;
use dynamo_table::read::Cursor;
use support::expressions::{Generator, mutate};

#[test]
fn the_checker_survives_100k_hostile_inputs() {
    let started = Instant::now();
    let mut generator = Generator::new(7);
    let mut rng = fastrand::Rng::with_seed(11);
    let (mut panics, mut accepted) = (0, 0);
    let mut slowest = (Duration::ZERO, String::new());
    let mut last = String::from("a = :a");
    for i in 0..100_000 {
        let text = match i % 4 {
            0 => generator.next().text,
            1 => mutate(&mut rng, &last),
            2 => mutate(&mut rng, &generator.next().text),
            // Long repetitive input near the 4 KB limit: deep, wide or unbalanced.
            _ => {
                let unit = ["(", "NOT ", "a = :a AND ", ")", "a.b[1].", ":v, "][rng.usize(..6)];
                unit.repeat(rng.usize(1..4_200 / unit.len()))
            }
        };
        let one = Instant::now();
        match catch_unwind(AssertUnwindSafe(|| Expression::parse(text.clone()))) {
            Ok(result) => accepted += usize::from(result.is_ok()),
            Err(_) => {
                panics += 1;
                eprintln!("panicked on `{}`", text.escape_debug());
            }
        }
        let took = one.elapsed();
        if took > slowest.0 {
            slowest = (took, text.chars().take(60).collect());
        }
        last = text;
    }
    let elapsed = started.elapsed();
    println!(
        "100000 inputs in {elapsed:.1?}: {accepted} accepted, {panics} panics; slowest {:?} on \
         `{}`",
        slowest.0,
        slowest.1.escape_debug()
    );
    assert_eq!(panics, 0);
    // A guard against blow-ups (quadratic or worse), not a speed claim: the slowest input,
    // at most 4 KB, must parse in well under a second even in a debug build.
    assert!(slowest.0 < Duration::from_millis(500), "{slowest:?}");
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
}

#[test]
fn the_token_decoder_survives_100k_hostile_inputs() {
    let started = Instant::now();
    let mut rng = fastrand::Rng::with_seed(13);
    // Seeds: real token shapes (version 1, unsigned and signed-looking), then mutations.
    let alphabet: Vec<char> = ('A'..='Z')
        .chain('a'..='z')
        .chain('0'..='9')
        .chain(['-', '_', '=', '+', '/', ' ', '\u{e9}'])
        .collect();
    let (mut panics, mut decoded) = (0, 0);
    // Two valid tokens: unsigned, of a table; signed, of an index with a number key.
    const VALID: [&str; 2] = [
        "AQAHBwcHBwcHBwcHBwcHBwcHBgBvcmRlcnMAAAEHAHVzZXJfaWQBAgAAAHUx",
        "AQEJCQkJCQkJCQkJCQkJCQkJBgBvcmRlcnMJAGJ5X3N0YXR1cwIGAHN0YXR1cwEEAAAAcGFpZAMAc2VxAgIAAAA0MgUF\
         BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUF",
    ];
    for valid in VALID {
        assert!(Cursor::<()>::from_token(valid).is_ok(), "{valid}");
    }
    let mut last = VALID[0].to_owned();
    for i in 0..100_000 {
        let token: String = match i % 4 {
            0 => (0..rng.usize(0..200))
                .map(|_| alphabet[rng.usize(..alphabet.len())])
                .collect(),
            1 => mutate(&mut rng, &last),
            _ => mutate(&mut rng, VALID[i % 2]),
        };
        match catch_unwind(AssertUnwindSafe(|| Cursor::<()>::from_token(&token))) {
            Ok(result) => decoded += usize::from(result.is_ok()),
            Err(_) => {
                panics += 1;
                eprintln!("panicked on `{}`", token.escape_debug());
            }
        }
        if !token.is_empty() {
            last = token;
        }
    }
    println!(
        "100000 tokens in {:.1?}: {decoded} decoded, {panics} panics",
        started.elapsed()
    );
    assert_eq!(panics, 0);
}
