//! Tokens. Small nom parsers recognize each token; the loop around them never stops at a
//! bad character: it reports it and goes on, so one run finds every lexical error.

use flowc_diag::{Code, Diagnostic, Span};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while, take_while1},
    character::complete::{char, digit1, one_of},
    combinator::{opt, recognize},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Newline,
    Comment,
    Ident,
    /// `${any name}`
    QuotedName,
    String,
    Number,
    Punct,
    /// Text the lexer could not read; already reported.
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

type Res<'a, T> = IResult<&'a str, T>;

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

fn inline_space(input: &str) -> Res<'_, &str> {
    take_while(|c: char| c != '\n' && c.is_whitespace()).parse(input)
}

fn comment(input: &str) -> Res<'_, &str> {
    recognize((char('#'), take_while(|c| c != '\n'))).parse(input)
}

fn number(input: &str) -> Res<'_, &str> {
    recognize((digit1, opt((char('.'), digit1)), opt((one_of("eE"), opt(one_of("+-")), digit1)))).parse(input)
}

/// A tenant placeholder inside a name: `_{TENANT_ID}`.
fn tenant_placeholder(input: &str) -> Res<'_, &str> {
    recognize((char('{'), take_while1(|c: char| c.is_ascii_uppercase() || c == '_'), char('}'))).parse(input)
}

/// An identifier with `\x` escapes (`street\.name`) and tenant placeholders after `_`.
fn ident(input: &str) -> Res<'_, &str> {
    let (mut rest, _) = take_while1(is_ident_start).parse(input)?;
    loop {
        let after_underscore = input[..input.len() - rest.len()].ends_with('_');
        if after_underscore && let Ok((r, _)) = tenant_placeholder(rest) {
            rest = r;
            continue;
        }
        if let Ok((r, _)) = take_while1::<_, _, nom::error::Error<&str>>(is_ident_continue).parse(rest) {
            rest = r;
            continue;
        }
        let mut chars = rest.chars();
        if chars.next() == Some('\\') && chars.next().is_some_and(|c| !c.is_whitespace()) {
            rest = &rest[1 + rest[1..].chars().next().map_or(0, char::len_utf8)..];
            continue;
        }
        break;
    }
    Ok((rest, &input[..input.len() - rest.len()]))
}

fn punct(input: &str) -> Res<'_, &str> {
    alt((
        alt((tag("=="), tag("!="), tag("<="), tag(">="), tag("&&"), tag("||"), tag("=~"), tag("!~"))),
        recognize(one_of("()[]{},.:=<>!+-*/%?@&|^~;")),
    ))
    .parse(input)
}

/// How a quoted text ended.
enum Quoted {
    Closed(usize),
    /// Reached a newline or the end of input at this byte length.
    Open(usize),
}

fn scan_quoted(input: &str, close: char, escapes: bool) -> Quoted {
    let mut chars = input.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\n' => return Quoted::Open(i),
            '\\' if escapes => {
                if let Some((_, '\n')) | None = chars.next() {
                    return Quoted::Open(i + 1);
                }
            }
            c if c == close => return Quoted::Closed(i + c.len_utf8()),
            _ => {}
        }
    }
    Quoted::Open(input.len())
}

pub fn lex(src: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(src.len() / 4);
    let mut input = src;
    let offset = |rest: &str| src.len() - rest.len();
    loop {
        input = inline_space(input).map_or(input, |(rest, _)| rest);
        let Some(first) = input.chars().next() else { break };
        let start = offset(input);
        let (kind, len) = match first {
            '\n' => (TokenKind::Newline, 1),
            '#' => (TokenKind::Comment, comment(input).map_or(1, |(_, t)| t.len())),
            '"' | '\'' => match scan_quoted(input, first, true) {
                Quoted::Closed(len) => (TokenKind::String, len),
                Quoted::Open(len) => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::UnterminatedString,
                            Span::new(start, start + len),
                            "unterminated string literal",
                        )
                        .with_label(format!("this string has no closing `{first}` before the end of the line"))
                        .with_help(format!("close the string with `{first}`; write a quote inside it as `\\{first}`")),
                    );
                    (TokenKind::Error, len)
                }
            },
            '$' if input[1..].starts_with('{') => match scan_quoted(input, '}', false) {
                Quoted::Closed(len) => (TokenKind::QuotedName, len),
                Quoted::Open(len) => {
                    diagnostics.push(
                        Diagnostic::new(Code::UnclosedDelimiter, Span::new(start, start + 2), "unclosed `${`")
                            .with_label("this quoted name is never closed")
                            .with_help("a quoted field name ends with `}` on the same line, as in `${First Name}`"),
                    );
                    (TokenKind::Error, len)
                }
            },
            c if c.is_ascii_digit() => (TokenKind::Number, number(input).map_or(1, |(_, t)| t.len())),
            c if is_ident_start(c) => (TokenKind::Ident, ident(input).map_or(c.len_utf8(), |(_, t)| t.len())),
            c => match punct(input) {
                Ok((_, t)) => (TokenKind::Punct, t.len()),
                Err(_) => {
                    // A run of the same character is one mistake (a file of NUL bytes is
                    // one diagnostic, not one per byte).
                    let run = input.chars().take_while(|&r| r == c).count();
                    let len = run * c.len_utf8();
                    let message = match run {
                        1 => format!("unexpected character {c:?}"),
                        n => format!("unexpected character {c:?}, {n} times"),
                    };
                    diagnostics.push(
                        Diagnostic::new(Code::UnexpectedToken, Span::new(start, start + len), message)
                            .with_label("not part of the flowc language")
                            .with_help("text outside a string or a `${...}` name must be names, numbers and operators"),
                    );
                    (TokenKind::Error, len)
                }
            },
        };
        tokens.push(Token { kind, span: Span::new(start, start + len) });
        input = &input[len..];
    }
    tokens
}

/// Decodes a string literal's escapes (`\"`, `\\`, `\n`, `\t`, `\uXXXX`, ...).
pub fn unescape_string(raw: &str) -> String {
    let inner = &raw[1..raw.len().saturating_sub(1).max(1)];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == 4 => {
                        out.push(ch);
                        chars.nth(3);
                    }
                    _ => out.push('u'),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Decodes a name: `street\.name` → `street.name`, `${First Name}` → `First Name`.
pub fn unescape_name(raw: &str) -> String {
    if let Some(inner) = raw.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        return inner.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        let mut d = Vec::new();
        lex(src, &mut d).iter().map(|t| (t.kind, &src[t.span.start..t.span.end])).collect()
    }

    #[test]
    fn names_keep_escapes_and_tenant_placeholders() {
        use TokenKind::*;
        assert_eq!(
            kinds(r"address.street\.name _{TENANT_ID}.x ${First Name}"),
            vec![
                (Ident, "address"),
                (Punct, "."),
                (Ident, r"street\.name"),
                (Ident, "_{TENANT_ID}"),
                (Punct, "."),
                (Ident, "x"),
                (QuotedName, "${First Name}"),
            ]
        );
        assert_eq!(unescape_name(r"street\.name"), "street.name");
    }

    #[test]
    fn operators_take_the_longest_match() {
        use TokenKind::*;
        assert_eq!(kinds("a<=b==c"), vec![(Ident, "a"), (Punct, "<="), (Ident, "b"), (Punct, "=="), (Ident, "c")]);
    }

    #[test]
    fn strings_decode_escapes() {
        assert_eq!(unescape_string(r#""a\"b\u00e9\n""#), "a\"bé\n");
        assert_eq!(unescape_string(r"'it\'s'"), "it's");
    }

    #[test]
    fn unterminated_string_is_reported_and_lexing_continues() {
        let mut d = Vec::new();
        let toks = lex("a = \"open\nb = 1", &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::UnterminatedString);
        assert!(toks.iter().any(|t| t.kind == TokenKind::Number));
    }
}
