//! A checker for DynamoDB condition and filter expressions: it parses the expression, finds
//! syntax errors and bare reserved words, and lists the `#name` and `:value` placeholders.
//!
//! `expr!` runs it at compile time, `Expression::parse` at run time: one grammar for both.

use crate::limits::{MAX_EXPRESSION_BYTES, MAX_IN_OPERANDS};
use crate::reserved::is_reserved;

/// Placeholders that start with this are the library's own; expressions users write may not
/// use them, so the two can never collide.
pub const RESERVED_PLACEHOLDER_PREFIX: &str = "dt_";

/// What a valid expression uses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Placeholders {
    /// `#name` placeholders, with the `#`, in order of first use.
    pub names: Vec<String>,
    /// `:value` placeholders, with the `:`, in order of first use.
    pub values: Vec<String>,
}

/// Why an expression is invalid, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong and how to fix it.
    pub message: String,
    /// Byte offset of the offending token.
    pub offset: usize,
    /// The offending word or token.
    pub token: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Name(String),
    Value(String),
    Number(String),
    Comparator(&'static str),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    End,
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => format!("`{w}`"),
        Tok::Name(n) => format!("`{n}`"),
        Tok::Value(v) => format!("`{v}`"),
        Tok::Number(n) => format!("`{n}`"),
        Tok::Comparator(c) => format!("`{c}`"),
        Tok::LParen => "`(`".to_owned(),
        Tok::RParen => "`)`".to_owned(),
        Tok::LBracket => "`[`".to_owned(),
        Tok::RBracket => "`]`".to_owned(),
        Tok::Comma => "`,`".to_owned(),
        Tok::Dot => "`.`".to_owned(),
        Tok::End => "the end of the expression".to_owned(),
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn tokenize(text: &str) -> Result<Vec<(Tok, usize)>, SyntaxError> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let word_end = |from: usize| {
            let mut j = from;
            while j < chars.len() && is_word_char(chars[j].1) {
                j += 1;
            }
            j
        };
        let slice = |from: usize, to: usize| -> String {
            let start = chars.get(from).map_or(text.len(), |c| c.0);
            let end = chars.get(to).map_or(text.len(), |c| c.0);
            text[start..end].to_owned()
        };
        let tok = match c {
            '#' | ':' => {
                let end = word_end(i + 1);
                if end == i + 1 {
                    return Err(SyntaxError {
                        message: format!(
                            "`{c}` must be followed by a placeholder name of letters, digits \
                             or `_`, e.g. `{c}status`"
                        ),
                        offset: at,
                        token: c.to_string(),
                    });
                }
                let name = slice(i, end);
                if name[1..].starts_with(RESERVED_PLACEHOLDER_PREFIX) {
                    return Err(SyntaxError {
                        message: format!(
                            "placeholder `{name}` starts with `{RESERVED_PLACEHOLDER_PREFIX}`, \
                             which dynamo_table keeps for its own placeholders: rename it"
                        ),
                        offset: at,
                        token: name,
                    });
                }
                i = end;
                if c == '#' {
                    Tok::Name(name)
                } else {
                    Tok::Value(name)
                }
            }
            c if c.is_ascii_digit() => {
                let end = word_end(i);
                let word = slice(i, end);
                i = end;
                if word.chars().all(|c| c.is_ascii_digit()) {
                    Tok::Number(word)
                } else {
                    return Err(SyntaxError {
                        message: format!(
                            "`{word}` starts with a digit, so it cannot be an attribute name in \
                             an expression: write `#{word}` (a name placeholder)"
                        ),
                        offset: at,
                        token: word,
                    });
                }
            }
            c if is_word_char(c) => {
                let end = word_end(i);
                let word = slice(i, end);
                i = end;
                Tok::Word(word)
            }
            '(' | ')' | '[' | ']' | ',' | '.' => {
                i += 1;
                match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    '[' => Tok::LBracket,
                    ']' => Tok::RBracket,
                    ',' => Tok::Comma,
                    _ => Tok::Dot,
                }
            }
            '=' => {
                i += 1;
                Tok::Comparator("=")
            }
            '<' | '>' => {
                let next = chars.get(i + 1).map(|c| c.1);
                let (op, len) = match (c, next) {
                    ('<', Some('>')) => ("<>", 2),
                    ('<', Some('=')) => ("<=", 2),
                    ('>', Some('=')) => (">=", 2),
                    ('<', _) => ("<", 1),
                    _ => (">", 1),
                };
                i += len;
                Tok::Comparator(op)
            }
            other => {
                let hint = if other == '-' || other == ' ' {
                    " (attribute names with `-` must go through a `#name` placeholder)"
                } else {
                    ""
                };
                return Err(SyntaxError {
                    message: format!("unexpected character `{other}` in the expression{hint}"),
                    offset: at,
                    token: other.to_string(),
                });
            }
        };
        out.push((tok, at));
    }
    out.push((Tok::End, text.len()));
    Ok(out)
}

const FUNCTIONS: &[&str] = &[
    "attribute_exists",
    "attribute_not_exists",
    "attribute_type",
    "begins_with",
    "contains",
    "size",
];

fn keyword(tok: &Tok, kw: &str) -> bool {
    matches!(tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    found: Placeholders,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].0
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        &self.toks[(self.pos + ahead).min(self.toks.len() - 1)].0
    }

    fn offset(&self) -> usize {
        self.toks[self.pos.min(self.toks.len() - 1)].1
    }

    fn bump(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        tok
    }

    fn error(&self, message: String) -> SyntaxError {
        SyntaxError {
            message,
            offset: self.offset(),
            token: match self.peek() {
                Tok::Word(w) | Tok::Name(w) | Tok::Value(w) | Tok::Number(w) => w.clone(),
                other => describe(other).trim_matches('`').to_owned(),
            },
        }
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<(), SyntaxError> {
        if *self.peek() == want {
            self.bump();
            Ok(())
        } else {
            Err(self.error(format!("expected {what}, found {}", describe(self.peek()))))
        }
    }

    fn condition(&mut self) -> Result<(), SyntaxError> {
        self.conjunction()?;
        while keyword(self.peek(), "OR") {
            self.bump();
            self.conjunction()?;
        }
        Ok(())
    }

    fn conjunction(&mut self) -> Result<(), SyntaxError> {
        self.negation()?;
        while keyword(self.peek(), "AND") {
            self.bump();
            self.negation()?;
        }
        Ok(())
    }

    fn negation(&mut self) -> Result<(), SyntaxError> {
        if keyword(self.peek(), "NOT") {
            self.bump();
            return self.negation();
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<(), SyntaxError> {
        if *self.peek() == Tok::LParen {
            self.bump();
            self.condition()?;
            return self.expect(Tok::RParen, "`)`");
        }
        if let Tok::Word(w) = self.peek().clone()
            && *self.peek_at(1) == Tok::LParen
            && w != "size"
        {
            return self.function(&w);
        }
        self.operand()?;
        match self.peek().clone() {
            Tok::Comparator(_) => {
                self.bump();
                self.operand()
            }
            t if keyword(&t, "BETWEEN") => {
                self.bump();
                self.operand()?;
                if !keyword(self.peek(), "AND") {
                    return Err(self.error(format!(
                        "`BETWEEN` needs `AND` between its bounds, found {}",
                        describe(self.peek())
                    )));
                }
                self.bump();
                self.operand()
            }
            t if keyword(&t, "IN") => {
                self.bump();
                self.expect(Tok::LParen, "`(` after `IN`")?;
                let mut operands = 0;
                loop {
                    self.operand()?;
                    operands += 1;
                    if *self.peek() == Tok::Comma {
                        self.bump();
                        continue;
                    }
                    break;
                }
                if operands > MAX_IN_OPERANDS {
                    return Err(self.error(format!(
                        "`IN` has {operands} operands; DynamoDB allows at most {MAX_IN_OPERANDS}: \
                         split the condition"
                    )));
                }
                self.expect(Tok::RParen, "`)` to close `IN (...)`")
            }
            other => Err(self.error(format!(
                "expected a comparison (`=`, `<>`, `<`, `<=`, `>`, `>=`, `BETWEEN`, `IN`) after \
                 the operand, found {}",
                describe(&other)
            ))),
        }
    }

    fn function(&mut self, name: &str) -> Result<(), SyntaxError> {
        if !FUNCTIONS.contains(&name) {
            return Err(self.error(format!(
                "`{name}` is not a DynamoDB condition function; the functions are \
                 attribute_exists, attribute_not_exists, attribute_type, begins_with, contains \
                 and size"
            )));
        }
        self.bump();
        self.bump(); // `(`
        self.path()?;
        match name {
            "attribute_exists" | "attribute_not_exists" => {}
            _ => {
                self.expect(
                    Tok::Comma,
                    &format!("`,` and a second argument to `{name}`"),
                )?;
                self.operand()?;
            }
        }
        self.expect(Tok::RParen, &format!("`)` to close `{name}(...)`"))
    }

    fn operand(&mut self) -> Result<(), SyntaxError> {
        match self.peek().clone() {
            Tok::Value(v) => {
                self.bump();
                if !self.found.values.contains(&v) {
                    self.found.values.push(v);
                }
                Ok(())
            }
            Tok::Word(w) if w == "size" && *self.peek_at(1) == Tok::LParen => {
                self.bump();
                self.bump();
                self.path()?;
                self.expect(Tok::RParen, "`)` to close `size(...)`")
            }
            _ => self.path(),
        }
    }

    fn path(&mut self) -> Result<(), SyntaxError> {
        self.path_element()?;
        loop {
            match self.peek() {
                Tok::Dot => {
                    self.bump();
                    self.path_element()?;
                }
                Tok::LBracket => {
                    self.bump();
                    if !matches!(self.peek(), Tok::Number(_)) {
                        return Err(self.error(format!(
                            "expected a list index (a number) inside `[...]`, found {}",
                            describe(self.peek())
                        )));
                    }
                    self.bump();
                    self.expect(Tok::RBracket, "`]`")?;
                }
                _ => return Ok(()),
            }
        }
    }

    fn path_element(&mut self) -> Result<(), SyntaxError> {
        match self.peek().clone() {
            Tok::Name(n) => {
                self.bump();
                if !self.found.names.contains(&n) {
                    self.found.names.push(n);
                }
                Ok(())
            }
            Tok::Word(w) => {
                if is_reserved(&w) {
                    return Err(self.error(format!(
                        "`{w}` is a DynamoDB reserved word and cannot be used bare as an \
                         attribute name: write `#{w}` (a name placeholder; `#{w}` stands for the \
                         attribute `{w}` unless you map it to another name)"
                    )));
                }
                self.bump();
                Ok(())
            }
            other => Err(self.error(format!(
                "expected an attribute name, a `#name` or a `:value`, found {}",
                describe(&other)
            ))),
        }
    }
}

/// Checks a condition or filter expression and lists its placeholders.
pub fn check_condition(text: &str) -> Result<Placeholders, SyntaxError> {
    if text.len() > MAX_EXPRESSION_BYTES {
        return Err(SyntaxError {
            message: format!(
                "the expression is {} bytes; DynamoDB allows at most {MAX_EXPRESSION_BYTES}",
                text.len()
            ),
            offset: 0,
            token: String::new(),
        });
    }
    let toks = tokenize(text)?;
    if toks.len() == 1 {
        return Err(SyntaxError {
            message: "the expression is empty".to_owned(),
            offset: 0,
            token: String::new(),
        });
    }
    let mut parser = Parser {
        toks,
        pos: 0,
        found: Placeholders::default(),
    };
    parser.condition()?;
    if *parser.peek() != Tok::End {
        return Err(parser.error(format!(
            "unexpected {} after a complete condition (missing `AND` or `OR`?)",
            describe(parser.peek())
        )));
    }
    Ok(parser.found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reserved;

    #[test]
    fn accepts_the_condition_grammar() {
        for ok in [
            "a = :a",
            "#status = :s AND created_at > :t",
            "attribute_exists(user_id) AND #status = :old",
            "NOT (a < :x OR b >= :y) AND c BETWEEN :lo AND :hi",
            "tag IN (:a, :b, :c)",
            "begins_with(sk, :p) and contains(tags, :t)",
            "size(tags) > :n",
            "attribute_type(profile.address[3].nested, :t)",
            "a <> b",
        ] {
            assert!(
                check_condition(ok).is_ok(),
                "{ok}: {:?}",
                check_condition(ok)
            );
        }
    }

    #[test]
    fn finds_placeholders_once_each() {
        let p = check_condition("#a = :x OR #a = :y OR #b = :x").unwrap();
        assert_eq!(p.names, ["#a", "#b"]);
        assert_eq!(p.values, [":x", ":y"]);
    }

    #[test]
    fn rejects_mistakes_with_the_fix() {
        let cases = [
            ("status = :s", "write `#status`"),
            ("Name = :n", "write `#Name`"),
            ("a = ", "expected an attribute name"),
            ("(a = :a", "expected `)`"),
            ("a = :a b = :b", "missing `AND` or `OR`"),
            ("a BETWEEN :x", "needs `AND`"),
            ("frobnicate(a)", "not a DynamoDB condition function"),
            ("a = :", "placeholder name"),
            ("a = :dt_1", "keeps for its own placeholders"),
            ("1st = :a", "starts with a digit"),
            ("a-b = :a", "unexpected character `-`"),
            ("", "empty"),
            ("a", "expected a comparison"),
        ];
        for (text, needle) in cases {
            let err = check_condition(text).unwrap_err();
            assert!(err.message.contains(needle), "{text}: {}", err.message);
        }
        let many = (0..101)
            .map(|i| format!(":v{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        assert!(check_condition(&format!("a IN ({many})")).is_err());
        assert!(check_condition(&"a = :b AND ".repeat(400)).is_err());
    }

    #[test]
    fn the_reserved_list_is_the_official_one() {
        assert_eq!(reserved::RESERVED_WORDS.len(), 573);
        assert!(reserved::is_reserved("status"));
        assert!(reserved::is_reserved("DATA"));
        assert!(reserved::is_reserved("nAmE"));
        assert!(!reserved::is_reserved("user_id"));
        assert!(reserved::RESERVED_WORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
