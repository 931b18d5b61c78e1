//! A checker for DynamoDB condition and filter expressions: it parses the expression, finds
//! syntax errors and bare reserved words, and lists the `#name` and `:value` placeholders.
//!
//! `expr!` runs it at compile time, `Expression::parse` at run time: one grammar for both.

use crate::limits::{MAX_EXPRESSION_BYTES, MAX_EXPRESSION_NESTING, MAX_IN_OPERANDS, MAX_OPERATORS};
use crate::reserved::is_reserved;

/// The prefix of the placeholders the library writes itself. It is not reserved: users may
/// write `#dt_x` too, and the library then picks a variant of the prefix (`dt1_`, `dt2_`, ...)
/// that no placeholder of theirs starts with.
pub const LIBRARY_PLACEHOLDER_PREFIX: &str = "dt";

/// What a valid expression uses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Placeholders {
    /// `#name` placeholders, with the `#`, in order of first use.
    pub names: Vec<String>,
    /// `:value` placeholders, with the `:`, in order of first use.
    pub values: Vec<String>,
    /// The first element of every attribute path, as written (`status` or `#status`), once
    /// each: the top-level attributes the expression reads. In `meta.id`, only `meta`.
    pub heads: Vec<String>,
    /// True when the whole expression is one parenthesized group, `(...)`: wrapping it in
    /// another pair would be redundant.
    pub grouped: bool,
}

/// Why an expression is invalid, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Which kind of rule the expression broke.
    pub kind: SyntaxErrorKind,
    /// What is wrong and how to fix it.
    pub message: String,
    /// Byte offset of the offending token.
    pub offset: usize,
    /// The offending word or token.
    pub token: String,
}

/// The kinds of [`SyntaxError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The expression does not follow DynamoDB's grammar (a bare reserved word included).
    Grammar,
    /// The expression is longer, deeper or has more operators than the limits allow.
    Limit,
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

/// The white space DynamoDB skips between tokens: ASCII only (a no-break space, U+00A0, is not
/// white space to DynamoDB).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn grammar(message: String, offset: usize, token: String) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::Grammar,
        message,
        offset,
        token,
    }
}

fn tokenize(text: &str) -> Result<Vec<(Tok, usize)>, SyntaxError> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if is_space(c) {
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
                    return Err(grammar(
                        format!(
                            "`{c}` must be followed by a placeholder name of letters, digits \
                             or `_`, e.g. `{c}status`"
                        ),
                        at,
                        c.to_string(),
                    ));
                }
                let name = slice(i, end);
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
                    return Err(grammar(
                        format!(
                            "`{word}` starts with a digit, so it cannot be an attribute name in \
                             an expression: write `#{word}` (a name placeholder)"
                        ),
                        at,
                        word,
                    ));
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
                let hint = if other == '-' {
                    " (attribute names with `-` must go through a `#name` placeholder)"
                } else if other.is_whitespace() {
                    " (only ASCII spaces, tabs and line breaks separate tokens)"
                } else {
                    ""
                };
                return Err(grammar(
                    format!("unexpected character `{other}` in the expression{hint}"),
                    at,
                    other.to_string(),
                ));
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
    /// Parentheses and `NOT`s open around the current token.
    depth: usize,
    /// Operators and functions seen so far.
    operators: usize,
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
            kind: SyntaxErrorKind::Grammar,
            message,
            offset: self.offset(),
            token: match self.peek() {
                Tok::Word(w) | Tok::Name(w) | Tok::Value(w) | Tok::Number(w) => w.clone(),
                other => describe(other).trim_matches('`').to_owned(),
            },
        }
    }

    fn limit(&self, message: String) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::Limit,
            ..self.error(message)
        }
    }

    /// Counts one operator or function against DynamoDB's limit.
    fn operator(&mut self) -> Result<(), SyntaxError> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS {
            return Err(self.limit(format!(
                "the expression has more than {MAX_OPERATORS} operators and functions, \
                 DynamoDB's limit: split it, or filter part of it in code"
            )));
        }
        Ok(())
    }

    /// Enters a parenthesis or `NOT`, refusing nesting past the limit before recursing.
    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_EXPRESSION_NESTING {
            return Err(self.limit(format!(
                "the expression nests parentheses and `NOT` more than {MAX_EXPRESSION_NESTING} \
                 deep, the limit dynamo_table checks: flatten it (`NOT (a OR b)` is `NOT a AND \
                 NOT b`)"
            )));
        }
        Ok(())
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<(), SyntaxError> {
        if *self.peek() == want {
            self.bump();
            Ok(())
        } else {
            Err(self.error(format!("expected {what}, found {}", describe(self.peek()))))
        }
    }

    /// A condition; `Ok(true)` when it is one parenthesized group and nothing else.
    fn condition(&mut self) -> Result<bool, SyntaxError> {
        let mut group = self.conjunction()?;
        while keyword(self.peek(), "OR") {
            self.operator()?;
            self.bump();
            self.conjunction()?;
            group = false;
        }
        Ok(group)
    }

    fn conjunction(&mut self) -> Result<bool, SyntaxError> {
        let mut group = self.negation()?;
        while keyword(self.peek(), "AND") {
            self.operator()?;
            self.bump();
            self.negation()?;
            group = false;
        }
        Ok(group)
    }

    fn negation(&mut self) -> Result<bool, SyntaxError> {
        if keyword(self.peek(), "NOT") {
            self.operator()?;
            self.enter()?;
            self.bump();
            self.negation()?;
            self.depth -= 1;
            return Ok(false);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<bool, SyntaxError> {
        if *self.peek() == Tok::LParen {
            let open = self.offset();
            self.enter()?;
            self.bump();
            if self.condition()? {
                return Err(SyntaxError {
                    offset: open,
                    ..self.error(
                        "the expression has redundant parentheses: a group wrapped directly in \
                         another pair, as in `((a = :v))`; DynamoDB refuses it, so drop one pair"
                            .to_owned(),
                    )
                });
            }
            self.expect(Tok::RParen, "`)`")?;
            self.depth -= 1;
            return Ok(true);
        }
        if let Tok::Word(w) = self.peek().clone()
            && *self.peek_at(1) == Tok::LParen
            && w != "size"
        {
            self.function(&w)?;
            return Ok(false);
        }
        self.comparison()?;
        Ok(false)
    }

    fn comparison(&mut self) -> Result<(), SyntaxError> {
        self.operand()?;
        match self.peek().clone() {
            Tok::Comparator(_) => {
                self.operator()?;
                self.bump();
                self.operand()
            }
            t if keyword(&t, "BETWEEN") => {
                self.operator()?;
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
                self.operator()?;
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
                    return Err(self.limit(format!(
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
        self.operator()?;
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
                self.operator()?;
                self.bump();
                self.bump();
                self.path()?;
                self.expect(Tok::RParen, "`)` to close `size(...)`")
            }
            _ => self.path(),
        }
    }

    fn path(&mut self) -> Result<(), SyntaxError> {
        let head = self.path_element()?;
        if !self.found.heads.contains(&head) {
            self.found.heads.push(head);
        }
        loop {
            match self.peek() {
                Tok::Dot => {
                    self.bump();
                    self.path_element()?;
                }
                Tok::LBracket => self.list_index()?,
                _ => return Ok(()),
            }
        }
    }

    /// `[n]`: a decimal index without leading zeros, written without spaces.
    fn list_index(&mut self) -> Result<(), SyntaxError> {
        let open = self.offset();
        self.bump();
        let Tok::Number(n) = self.peek().clone() else {
            return Err(self.error(format!(
                "expected a list index (a number) inside `[...]`, found {}",
                describe(self.peek())
            )));
        };
        if self.offset() != open + 1 {
            return Err(self
                .error("a list index is written without spaces: `a[1]`, not `a[ 1 ]`".to_owned()));
        }
        if n.len() > 1 && n.starts_with('0') {
            let trimmed = n.trim_start_matches('0');
            let fixed = if trimmed.is_empty() { "0" } else { trimmed };
            return Err(self.error(format!(
                "the list index `{n}` has a leading zero: write `{fixed}`"
            )));
        }
        let close = self.offset() + n.len();
        self.bump();
        if *self.peek() == Tok::RBracket && self.offset() != close {
            return Err(self
                .error("a list index is written without spaces: `a[1]`, not `a[ 1 ]`".to_owned()));
        }
        self.expect(Tok::RBracket, "`]`")
    }

    /// One element of a path, returned as written.
    fn path_element(&mut self) -> Result<String, SyntaxError> {
        match self.peek().clone() {
            Tok::Name(n) => {
                self.bump();
                if !self.found.names.contains(&n) {
                    self.found.names.push(n.clone());
                }
                Ok(n)
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
                Ok(w)
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
            kind: SyntaxErrorKind::Limit,
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
        return Err(grammar(
            "the expression is empty".to_owned(),
            0,
            String::new(),
        ));
    }
    let mut parser = Parser {
        toks,
        pos: 0,
        found: Placeholders::default(),
        depth: 0,
        operators: 0,
    };
    parser.found.grouped = parser.condition()?;
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
    use crate::limits::MAX_EXPRESSION_NESTING;
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
            "#dt_x = :dt_x",
            "(a = :a)",
            "((a = :a) AND (b = :b))",
            "(a = :a OR b = :b) AND c = :c",
            "NOT (NOT (a = :a))",
            "a[0] = :a AND b[10].c = :b",
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
    fn heads_are_the_top_level_attributes() {
        let p = check_condition("meta.id = :x AND #m.#n[2] > :y AND size(tags) > :z").unwrap();
        assert_eq!(p.heads, ["meta", "#m", "tags"]);
    }

    /// An expression nested exactly `depth` deep: `(NOT ...)` adds two levels, a bare `NOT`
    /// one; no pair of parentheses is redundant.
    fn nested(depth: usize) -> String {
        let mut text = "a = :a".to_owned();
        for _ in 0..depth / 2 {
            text = format!("(NOT {text})");
        }
        if depth % 2 == 1 {
            text = format!("NOT {text}");
        }
        text
    }

    #[test]
    fn nesting_and_operators_are_bounded() {
        for depth in [1, 2, 3, MAX_EXPRESSION_NESTING - 1, MAX_EXPRESSION_NESTING] {
            let text = nested(depth);
            assert!(check_condition(&text).is_ok(), "{depth}: {text}");
        }
        let err = check_condition(&nested(MAX_EXPRESSION_NESTING + 1)).unwrap_err();
        assert_eq!(err.kind, SyntaxErrorKind::Limit, "{err:?}");
        assert!(err.message.contains("64 deep"), "{}", err.message);

        let many = |n: usize| vec!["a = :a"; n].join(" AND ");
        // n comparisons joined by n - 1 ANDs: 2n - 1 operators.
        assert!(check_condition(&many(150)).is_ok());
        let err = check_condition(&many(151)).unwrap_err();
        assert_eq!(err.kind, SyntaxErrorKind::Limit);
        assert!(err.message.contains("300 operators"), "{}", err.message);
    }

    #[test]
    fn deep_input_is_refused_without_exhausting_a_small_stack() {
        // 2 MiB is a Tokio worker's stack; this test runs in a debug build.
        let deep = "(".repeat(2000) + "a = :a" + &")".repeat(2000);
        let accepted = nested(MAX_EXPRESSION_NESTING);
        let refused = nested(MAX_EXPRESSION_NESTING + 1);
        let outcome = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                (
                    check_condition(&accepted).is_ok(),
                    check_condition(&refused).map_err(|e| e.kind),
                    check_condition(&deep).map_err(|e| e.kind),
                )
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(outcome.0);
        assert_eq!(outcome.1.unwrap_err(), SyntaxErrorKind::Limit);
        assert_eq!(outcome.2.unwrap_err(), SyntaxErrorKind::Limit);
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
            ("((a = :a))", "redundant parentheses"),
            ("(a = :a) AND ((b = :b))", "redundant parentheses"),
            ("a[01] = :a", "leading zero"),
            ("a[ 1 ] = :a", "without spaces"),
            ("a\u{a0}= :a", "ASCII spaces"),
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
