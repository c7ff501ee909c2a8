//! SCIM filters (RFC 7644 §3.4.2.2): a parser for the whole grammar — `eq ne co sw ew gt ge lt
//! le pr`, `and`, `or`, `not`, parentheses, attribute paths with sub-attributes and schema URN
//! prefixes, and value filters such as `emails[type eq "work"]` — and an evaluator over the JSON
//! a resource is rendered as. Attribute names are case-insensitive; so are string comparisons (NFC and full case folding),
//! except on the case-exact attributes (`id`, `externalId`, `meta.*`).

use std::fmt;

use serde_json::Value;

/// An attribute path: `userName`, `name.givenName`, `emails.value`.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrPath {
    pub attr: String,
    pub sub: Option<String>,
}

impl AttrPath {
    /// Parses `attr[.sub]`, dropping a schema URN prefix (`urn:…:User:userName`).
    pub fn parse(text: &str) -> Result<AttrPath, String> {
        let t = strip_urn(text);
        let mut parts = t.splitn(2, '.');
        let attr = parts.next().unwrap_or_default();
        let sub = parts.next();
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '$')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
        };
        if !ok(attr) || sub.is_some_and(|s| !ok(s)) {
            return Err(format!("'{text}' is not an attribute path"));
        }
        Ok(AttrPath {
            attr: attr.to_string(),
            sub: sub.map(String::from),
        })
    }

    /// Whether comparisons on this attribute are case-sensitive (RFC 7643 `caseExact`).
    pub fn case_exact(&self) -> bool {
        matches!(
            self.attr.to_ascii_lowercase().as_str(),
            "id" | "externalid" | "meta"
        )
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sub {
            Some(s) => write!(f, "{}.{s}", self.attr),
            None => write!(f, "{}", self.attr),
        }
    }
}

/// Whether a name starts with `urn:` (any case).
pub fn is_urn(text: &str) -> bool {
    text.len() > 4
        && text
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
}

/// Drops a schema URN prefix: `urn:ietf:params:scim:schemas:core:2.0:User:userName` → `userName`.
pub fn strip_urn(text: &str) -> &str {
    if is_urn(text) {
        text.rsplit(':').next().unwrap_or(text)
    } else {
        text
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    fn parse(word: &str) -> Option<CompareOp> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => CompareOp::Eq,
            "ne" => CompareOp::Ne,
            "co" => CompareOp::Co,
            "sw" => CompareOp::Sw,
            "ew" => CompareOp::Ew,
            "gt" => CompareOp::Gt,
            "ge" => CompareOp::Ge,
            "lt" => CompareOp::Lt,
            "le" => CompareOp::Le,
            _ => return None,
        })
    }
}

/// A comparison value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

/// The attributes that identify a user, which a filter's equality can narrow a list by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAttr {
    UserName,
    ExternalId,
    Id,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Present(AttrPath),
    Compare(AttrPath, CompareOp, Literal),
    /// `emails[type eq "work"]`: some value of the multi-valued attribute matches the inner filter,
    /// whose paths are relative to that value.
    ValuePath(AttrPath, Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Str(String),
    Word(String),
}

fn tokenize(input: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            '[' => {
                out.push(Tok::LBracket);
                i += 1;
            }
            ']' => {
                out.push(Tok::RBracket);
                i += 1;
            }
            '"' => {
                // a JSON string: find its end, then let serde_json decode the escapes
                let start = i;
                i += 1;
                let mut closed = false;
                while i < chars.len() {
                    match chars[i] {
                        '\\' => i += 2,
                        '"' => {
                            closed = true;
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                if !closed {
                    return Err("a string is not closed".into());
                }
                let raw: String = chars[start..i].iter().collect();
                let s: String = serde_json::from_str(&raw)
                    .map_err(|_| format!("{raw} is not a valid string"))?;
                out.push(Tok::Str(s));
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '[' | ']' | '"')
                {
                    i += 1;
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn peek_keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn or(&mut self) -> Result<Filter, String> {
        let mut left = self.and()?;
        while self.peek_keyword("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, String> {
        let mut left = self.unary()?;
        while self.peek_keyword("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, String> {
        if self.peek_keyword("not") {
            self.pos += 1;
            if self.peek() != Some(&Tok::LParen) {
                return Err("'not' must be followed by a parenthesized filter".into());
            }
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        match self.next() {
            Some(Tok::LParen) => {
                let f = self.or()?;
                match self.next() {
                    Some(Tok::RParen) => Ok(f),
                    _ => Err("a '(' is not closed".into()),
                }
            }
            Some(Tok::Word(w)) => self.attr_expr(&w),
            Some(Tok::Str(s)) => Err(format!("expected an attribute, found \"{s}\"")),
            Some(t) => Err(format!("unexpected {}", describe(&t))),
            None => Err("the filter ends too early".into()),
        }
    }

    fn attr_expr(&mut self, word: &str) -> Result<Filter, String> {
        let path = AttrPath::parse(word)?;
        if self.peek() == Some(&Tok::LBracket) {
            self.pos += 1;
            if path.sub.is_some() {
                return Err(format!(
                    "'{word}[' : a value filter follows an attribute, not a sub-attribute"
                ));
            }
            let inner = self.or()?;
            if self.next() != Some(Tok::RBracket) {
                return Err("a '[' is not closed".into());
            }
            return Ok(Filter::ValuePath(path, Box::new(inner)));
        }
        let op = match self.next() {
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("pr") => return Ok(Filter::Present(path)),
            Some(Tok::Word(w)) => CompareOp::parse(&w).ok_or_else(|| {
                format!("'{w}' is not an operator (eq ne co sw ew gt ge lt le pr)")
            })?,
            Some(t) => {
                return Err(format!(
                    "expected an operator after {word}, found {}",
                    describe(&t)
                ));
            }
            None => return Err(format!("expected an operator after {word}")),
        };
        let value = match self.next() {
            Some(Tok::Str(s)) => Literal::Str(s),
            Some(Tok::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "true" => Literal::Bool(true),
                "false" => Literal::Bool(false),
                "null" => Literal::Null,
                _ => Literal::Num(w.parse::<f64>().ok().filter(|n| n.is_finite()).ok_or_else(
                    || format!("'{w}' is not a value (a \"string\", number, true, false or null)"),
                )?),
            },
            Some(t) => return Err(format!("expected a value, found {}", describe(&t))),
            None => return Err(format!("expected a value after {word}")),
        };
        if matches!(value, Literal::Bool(_) | Literal::Null)
            && !matches!(op, CompareOp::Eq | CompareOp::Ne)
        {
            return Err("true, false and null compare only with eq and ne".into());
        }
        Ok(Filter::Compare(path, op, value))
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::LBracket => "'['".into(),
        Tok::RBracket => "']'".into(),
        Tok::Str(s) => format!("\"{s}\""),
        Tok::Word(w) => format!("'{w}'"),
    }
}

/// Parses a whole filter; the error says what is wrong (for a 400 `invalidFilter`).
pub fn parse(input: &str) -> Result<Filter, String> {
    if input.len() > 4096 {
        return Err("the filter is longer than 4096 bytes".into());
    }
    let toks = tokenize(input)?;
    if toks.is_empty() {
        return Err("the filter is empty".into());
    }
    if toks.len() > 512 {
        return Err("the filter has too many terms".into());
    }
    let depth = toks
        .iter()
        .scan(0i32, |d, t| {
            match t {
                Tok::LParen | Tok::LBracket => *d += 1,
                Tok::RParen | Tok::RBracket => *d -= 1,
                _ => {}
            }
            Some(*d)
        })
        .max()
        .unwrap_or(0);
    if depth > 32 {
        return Err("the filter nests too deeply".into());
    }
    let mut p = Parser { toks, pos: 0 };
    let f = p.or()?;
    match p.next() {
        None => Ok(f),
        Some(t) => Err(format!(
            "unexpected {} after a complete filter",
            describe(&t)
        )),
    }
}

impl Filter {
    /// Every attribute path the filter names, with the attribute of an enclosing value filter.
    pub fn paths(&self) -> Vec<AttrPath> {
        let mut out = Vec::new();
        self.collect(None, &mut out);
        out
    }

    fn collect(&self, parent: Option<&str>, out: &mut Vec<AttrPath>) {
        let full = |p: &AttrPath| match parent {
            Some(attr) => AttrPath {
                attr: attr.to_string(),
                sub: Some(p.attr.clone()),
            },
            None => p.clone(),
        };
        match self {
            Filter::And(a, b) | Filter::Or(a, b) => {
                a.collect(parent, out);
                b.collect(parent, out);
            }
            Filter::Not(a) => a.collect(parent, out),
            Filter::Present(p) | Filter::Compare(p, _, _) => out.push(full(p)),
            Filter::ValuePath(p, inner) => {
                out.push(full(p));
                inner.collect(Some(&p.attr), out);
            }
        }
    }

    /// Whether a resource (or, inside a value filter, one value) matches.
    /// An equality the whole filter requires on `userName`, `externalId` or `id` (at the top,
    /// or in either side of an `and`): a list can pass over users that cannot match without
    /// rendering them, which is what keeps `userName eq "…"` (every IdP's lookup) fast in an org
    /// of 100,000 users.
    pub fn required_equality(&self) -> Option<(KeyAttr, &str)> {
        match self {
            Filter::And(a, b) => a.required_equality().or_else(|| b.required_equality()),
            Filter::Compare(p, CompareOp::Eq, Literal::Str(s)) if p.sub.is_none() => {
                let attr = match p.attr.to_ascii_lowercase().as_str() {
                    "username" => KeyAttr::UserName,
                    "externalid" => KeyAttr::ExternalId,
                    "id" => KeyAttr::Id,
                    _ => return None,
                };
                Some((attr, s))
            }
            _ => None,
        }
    }

    pub fn matches(&self, v: &Value) -> bool {
        match self {
            Filter::And(a, b) => a.matches(v) && b.matches(v),
            Filter::Or(a, b) => a.matches(v) || b.matches(v),
            Filter::Not(a) => !a.matches(v),
            Filter::Present(p) => resolve(v, p).iter().any(|x| present(x)),
            Filter::Compare(p, op, lit) => {
                let values = resolve(v, p);
                let exact = p.case_exact();
                match op {
                    CompareOp::Ne => !values.iter().any(|x| compare(x, CompareOp::Eq, lit, exact)),
                    CompareOp::Eq if *lit == Literal::Null => !values.iter().any(|x| present(x)),
                    _ => values.iter().any(|x| compare(x, *op, lit, exact)),
                }
            }
            Filter::ValuePath(p, inner) => match get_ci(v, &p.attr) {
                Some(Value::Array(items)) => items.iter().any(|i| inner.matches(i)),
                Some(one @ Value::Object(_)) => inner.matches(one),
                _ => false,
            },
        }
    }
}

/// A key of a JSON object, case-insensitively.
pub fn get_ci<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// The values a path reaches; multi-valued attributes flatten. A multi-valued complex attribute
/// without a sub-attribute compares on its `value` (RFC 7644 §3.4.2.2).
fn resolve<'a>(v: &'a Value, p: &AttrPath) -> Vec<&'a Value> {
    let Some(top) = get_ci(v, &p.attr) else {
        return Vec::new();
    };
    let items: Vec<&Value> = match top {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    match &p.sub {
        Some(sub) => items.into_iter().filter_map(|i| get_ci(i, sub)).collect(),
        None => items
            .into_iter()
            .map(|i| {
                if i.is_object() {
                    get_ci(i, "value").unwrap_or(i)
                } else {
                    i
                }
            })
            .collect(),
    }
}

fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

fn compare(v: &Value, op: CompareOp, lit: &Literal, exact: bool) -> bool {
    use std::cmp::Ordering;
    let ordering = |o: Ordering| match op {
        CompareOp::Eq => o == Ordering::Equal,
        CompareOp::Ne => o != Ordering::Equal,
        CompareOp::Gt => o == Ordering::Greater,
        CompareOp::Ge => o != Ordering::Less,
        CompareOp::Lt => o == Ordering::Less,
        CompareOp::Le => o != Ordering::Greater,
        _ => false,
    };
    match (v, lit) {
        (Value::String(s), Literal::Str(l)) => {
            // caseExact false: compared in tworg's canonical form (NFC and full case folding,
            // SCIM-2), so `userName eq "STRASSE@…"` finds `straße@…`
            let (s, l) = if exact {
                (s.clone(), l.clone())
            } else {
                (crate::model::names::fold(s), crate::model::names::fold(l))
            };
            match op {
                CompareOp::Co => s.contains(&l),
                CompareOp::Sw => s.starts_with(&l),
                CompareOp::Ew => s.ends_with(&l),
                _ => ordering(s.cmp(&l)),
            }
        }
        (Value::Bool(b), Literal::Bool(l)) => ordering(b.cmp(l)),
        // lenient: `active eq "true"`
        (Value::Bool(b), Literal::Str(l)) => {
            matches!(op, CompareOp::Eq) && l.eq_ignore_ascii_case(if *b { "true" } else { "false" })
        }
        (Value::Number(n), Literal::Num(l)) => n
            .as_f64()
            .and_then(|n| n.partial_cmp(l))
            .is_some_and(ordering),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn required_equality_narrows_only_where_the_whole_filter_demands_it() {
        let key = |f: &str| {
            parse(f)
                .unwrap()
                .required_equality()
                .map(|(a, v)| (a, v.to_string()))
        };
        assert_eq!(
            key(r#"userName eq "Ann@X.example""#),
            Some((KeyAttr::UserName, "Ann@X.example".into()))
        );
        assert_eq!(
            key(r#"active eq true and externalId eq "e1""#),
            Some((KeyAttr::ExternalId, "e1".into()))
        );
        assert_eq!(
            key(r#"userName eq "a" or userName eq "b""#),
            None,
            "an or may match either"
        );
        assert_eq!(key(r#"not (userName eq "a")"#), None);
        assert_eq!(key(r#"userName co "a""#), None);
        assert_eq!(key(r#"emails[value eq "a"]"#), None);
    }

    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "id": "US1", "userName": "Ada@Example.com", "externalId": "Ext-1", "active": true,
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"value": "ada@example.com", "type": "work", "primary": true},
                       {"value": "ada@home.example", "type": "home"}],
            "meta": {"lastModified": "2026-03-01T09:00:00Z"}
        })
    }

    fn m(f: &str) -> bool {
        parse(f)
            .unwrap_or_else(|e| panic!("{f}: {e}"))
            .matches(&user())
    }

    #[test]
    fn operators() {
        assert!(m(r#"userName eq "ada@example.com""#));
        assert!(m(r#"USERNAME EQ "ADA@EXAMPLE.COM""#));
        assert!(!m(r#"userName ne "ada@example.com""#));
        assert!(m(r#"userName co "example""#));
        assert!(m(r#"userName sw "ada""#));
        assert!(m(r#"userName ew ".com""#));
        assert!(m("userName pr"));
        assert!(!m("locale pr"));
        assert!(m(r#"meta.lastModified gt "2026-01-01T00:00:00Z""#));
        assert!(m(r#"meta.lastModified le "2026-03-01T09:00:00Z""#));
        assert!(!m(r#"meta.lastModified lt "2026-03-01T09:00:00Z""#));
        assert!(m("active eq true"));
        assert!(!m("active eq false"));
        assert!(m(r#"externalId eq "Ext-1""#));
        assert!(!m(r#"externalId eq "ext-1""#), "externalId is case-exact");
    }

    #[test]
    fn logic_and_paths() {
        assert!(m(r#"userName eq "x" or name.givenName eq "ada""#));
        assert!(!m(r#"userName eq "x" and name.givenName eq "ada""#));
        assert!(m(r#"not (userName eq "x")"#));
        assert!(m(
            r#"(userName eq "x" or active eq true) and emails.value co "home""#
        ));
        assert!(m(r#"emails[type eq "work" and value ew "example.com"]"#));
        assert!(!m(r#"emails[type eq "other"]"#));
        assert!(m(r#"emails eq "ada@home.example""#));
        assert!(m(
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "ADA""#
        ));
        assert!(m(
            r#"userName eq "a" or userName eq "b" or name.familyName eq "Lovelace""#
        ));
    }

    #[test]
    fn precedence_and_binds_tighter_than_or() {
        let f = parse(r#"a eq "1" or b eq "2" and c eq "3""#).unwrap();
        assert!(matches!(f, Filter::Or(_, ref r) if matches!(**r, Filter::And(_, _))));
    }

    #[test]
    fn bad_filters() {
        for f in [
            "",
            "userName",
            "userName eq",
            r#"userName xx "a""#,
            r#"userName eq "a" and"#,
            r#"(userName eq "a""#,
            r#"userName eq "a")"#,
            r#"emails[type eq "work""#,
            r#"userName eq "unterminated"#,
            "userName eq bareword",
            r#"not userName eq "a""#,
            "active gt true",
            r#""a" eq userName"#,
            r#"user$ eq 1 extra"#,
        ] {
            assert!(parse(f).is_err(), "{f} should not parse");
        }
    }

    #[test]
    fn paths_are_collected() {
        let f = parse(r#"emails[type eq "work"] and name.givenName pr"#).unwrap();
        let paths: Vec<String> = f.paths().iter().map(|p| p.to_string()).collect();
        assert_eq!(paths, ["emails", "emails.type", "name.givenName"]);
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    proptest! {
        /// Whatever a client sends, parsing answers Ok or Err and never panics.
        #[test]
        fn parse_never_panics(s in "\\PC{0,120}") {
            let _ = super::parse(&s);
        }

        #[test]
        fn parse_never_panics_on_filter_like_text(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("userName"), Just("emails[type eq \"work\"]"), Just("eq"), Just("ne"), Just("co"),
                    Just("pr"), Just("and"), Just("or"), Just("not"), Just("("), Just(")"), Just("["),
                    Just("]"), Just("\"x\""), Just("true"), Just("1.5"), Just("urn:a:b:c"), Just("\"\\"),
                    Just("é"), Just("name.givenName"),
                ],
                0..20,
            )
        ) {
            let s = parts.join(" ");
            if let Ok(f) = super::parse(&s) {
                let _ = f.matches(&serde_json::json!({"userName": "x", "emails": [{"type": "work"}]}));
            }
        }
    }
}
