//! Seeded condition expressions for the differential and fuzz tests: mostly valid, with
//! deliberate mistakes mixed in (reserved words, redundant parentheses, bad list indexes,
//! strange white space, unknown functions, wrong arities, placeholders with the library's
//! prefix), and mutations of them.

#![allow(dead_code)]

use std::collections::BTreeMap;

/// An expression and the value each `:placeholder` in it should get.
#[derive(Debug, Clone)]
pub struct Generated {
    pub text: String,
    /// `:name` -> value, as a DynamoDB JSON attribute value type and text (`S`/`N`).
    pub values: BTreeMap<String, (&'static str, String)>,
}

pub struct Generator {
    rng: fastrand::Rng,
    values: BTreeMap<String, (&'static str, String)>,
    depth: usize,
}

const WORDS: &[&str] = &[
    "a", "b", "total", "status", "name", "user_id", "price", "meta", "tags", "data", "x1", "size",
    "Name", "ok",
];
const NAMES: &[&str] = &["#a", "#st", "#dt_n0", "#meta", "#x"];
const FUNCTIONS: &[&str] = &[
    "attribute_exists",
    "attribute_not_exists",
    "attribute_type",
    "begins_with",
    "contains",
];

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: fastrand::Rng::with_seed(seed),
            values: BTreeMap::new(),
            depth: 0,
        }
    }

    pub fn next(&mut self) -> Generated {
        self.values.clear();
        self.depth = 0;
        let mut text = self.condition();
        if self.rng.u8(0..10) == 0 {
            text = self.mistake(text);
        }
        Generated {
            text,
            values: std::mem::take(&mut self.values),
        }
    }

    fn chance(&mut self, percent: u8) -> bool {
        self.rng.u8(0..100) < percent
    }

    fn space(&mut self) -> &'static str {
        match self.rng.u8(0..20) {
            0 => "  ",
            1 => "\t",
            2 => "\n",
            _ => " ",
        }
    }

    fn value(&mut self, kind: &'static str, text: &str) -> String {
        let name = match self.rng.u8(0..8) {
            0 => format!(":dt_v{}", self.values.len()),
            _ => format!(":v{}", self.values.len()),
        };
        self.values.insert(name.clone(), (kind, text.to_owned()));
        name
    }

    fn path(&mut self) -> String {
        let mut path = if self.chance(40) {
            NAMES[self.rng.usize(..NAMES.len())].to_owned()
        } else {
            WORDS[self.rng.usize(..WORDS.len())].to_owned()
        };
        while self.chance(20) {
            if self.chance(50) {
                path.push('.');
                path.push_str(if self.chance(50) { "inner" } else { "#x" });
            } else {
                path.push_str(&format!("[{}]", self.rng.u8(0..12)));
            }
        }
        path
    }

    fn operand(&mut self) -> String {
        match self.rng.u8(0..10) {
            0..=3 => self.value("S", "x"),
            4 => self.value("N", "7"),
            5 => format!("size({})", self.path()),
            _ => self.path(),
        }
    }

    fn comparison(&mut self) -> String {
        let s = self.space();
        match self.rng.u8(0..12) {
            0 => {
                let (p, lo, hi) = (self.path(), self.value("N", "1"), self.value("N", "9"));
                format!("{p} BETWEEN {lo}{s}AND {hi}")
            }
            1 => {
                let p = self.path();
                let n = 1 + self.rng.usize(..4);
                let items: Vec<String> = (0..n).map(|_| self.value("S", "x")).collect();
                format!("{p} IN ({})", items.join(", "))
            }
            2..=3 => self.function(),
            _ => {
                let op = ["=", "<>", "<", "<=", ">", ">="][self.rng.usize(..6)];
                let (l, r) = (self.operand(), self.operand());
                format!("{l}{s}{op}{s}{r}")
            }
        }
    }

    fn function(&mut self) -> String {
        let name = FUNCTIONS[self.rng.usize(..FUNCTIONS.len())];
        let p = self.path();
        match name {
            "attribute_exists" | "attribute_not_exists" => format!("{name}({p})"),
            "attribute_type" => {
                let t = self.value("S", "S");
                format!("{name}({p}, {t})")
            }
            _ => {
                let v = self.value("S", "x");
                format!("{name}({p}, {v})")
            }
        }
    }

    fn condition(&mut self) -> String {
        self.depth += 1;
        let text = match self.rng.u8(0..10) {
            0..=1 if self.depth < 4 => {
                let (a, b) = (self.condition(), self.condition());
                let op = if self.chance(50) { "AND" } else { "OR" };
                format!("{a} {op} {b}")
            }
            2 if self.depth < 4 => format!("NOT {}", self.condition()),
            3 if self.depth < 4 => format!("({})", self.condition()),
            _ => self.comparison(),
        };
        self.depth -= 1;
        text
    }

    /// A deliberate mistake, or an unusual but valid form.
    fn mistake(&mut self, text: String) -> String {
        match self.rng.u8(0..10) {
            0 => format!("(({text}))"),
            1 => text.replacen(' ', "\u{a0}", 1),
            2 => format!("{text} AND a[01] = :z"),
            3 => format!("{text} AND a[ 1 ] = :z"),
            4 => format!("frobnicate(a) OR {text}"),
            5 => format!("{text} AND begins_with(a)"),
            6 => format!("BEGINS_WITH(a, :z) OR {text}"),
            7 => format!("{text} AND"),
            8 => format!("{text} AND a = = :z"),
            _ => format!("({text})"),
        }
    }
}

/// A random mutation of `text`: a byte dropped, doubled or replaced, or a slice moved.
pub fn mutate(rng: &mut fastrand::Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return "(".to_owned();
    }
    const ALPHABET: &[char] = &[
        '(',
        ')',
        '[',
        ']',
        ',',
        '.',
        ':',
        '#',
        '=',
        '<',
        '>',
        ' ',
        'a',
        '0',
        '9',
        '_',
        '-',
        '\u{a0}',
        '\u{1f600}',
        '"',
        '\\',
        '\0',
    ];
    for _ in 0..1 + rng.usize(..4) {
        let at = rng.usize(..chars.len());
        match rng.u8(0..4) {
            0 if chars.len() > 1 => {
                chars.remove(at);
            }
            1 => chars.insert(at, chars[at]),
            2 => chars[at] = ALPHABET[rng.usize(..ALPHABET.len())],
            _ => {
                let end = (at + rng.usize(..8)).min(chars.len());
                let slice: Vec<char> = chars.drain(at..end).collect();
                let to = rng.usize(..=chars.len());
                for (i, c) in slice.into_iter().enumerate() {
                    chars.insert(to + i, c);
                }
            }
        }
    }
    chars.into_iter().collect()
}
