//! Facts about the embedded-language checks: Java date patterns, Java regexes, JSON Schema
//! formats and patterns.

use flowc_check::patterns::{
    PatternProblem, check_format, check_java_date_pattern, check_java_regex, compile_java_regex,
    matches_json_schema_pattern,
};
use flowc_diag::Severity;
use proptest::prelude::*;

fn errors(p: &[PatternProblem]) -> Vec<&PatternProblem> {
    p.iter().filter(|p| p.severity == Severity::Error).collect()
}

fn warnings(p: &[PatternProblem]) -> Vec<&PatternProblem> {
    p.iter().filter(|p| p.severity == Severity::Warning).collect()
}

/// The text a problem points at.
fn at<'a>(pattern: &'a str, p: &PatternProblem) -> &'a str {
    &pattern[p.start..p.end]
}

// ---------------------------------------------------------------------------------------------
// Java date patterns
// ---------------------------------------------------------------------------------------------

#[test]
fn valid_date_patterns_have_no_problem() {
    for pattern in [
        "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        "yyyy-MM-dd HH:mm:ss",
        "dd/MM/yyyy",
        "MMM d, yyyy h:mm a",
        "EEE, d MMM yyyy HH:mm:ss Z",
        "yyyy-MM-dd",
        "MMddyyyy",
        "yyyyMMddHHmmss",
        "uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx",
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
        "EEEE, MMMM d, yyyy",
        "HH:mm",
        "hh:mm:ss a",
        "yyyy-MM-dd[ HH:mm[:ss]]",
        "YYYY-'W'ww-e",
        "yyyy-DDD",
        "yyyy-MM-dd'T'HH:mm:ssVV",
        "dd.MM.yy HH:mm zzz",
        "d MMM uuuu G",
        "yyyy-MM-dd'T'HH:mm:ss.SSSO",
        "ppH:mm",
        "HHppmm",
        "ppHH mm",
        "pppMMMdd",
        "ppHH[mm]",
        "YYYYYYYYYYYYYYYYYYYY-'W'ww",
        "'Quarter' Q yyyy",
        "yyyy''MM",
        "",
    ] {
        let problems = check_java_date_pattern(pattern);
        assert!(problems.is_empty(), "{pattern:?}: {problems:#?}");
    }
}

#[test]
fn date_pattern_errors() {
    // (pattern, text the error points at, a word of the message)
    let cases: &[(&str, &str, &str)] = &[
        ("yyyy-MM-bb", "bb", "'b' is not a pattern letter"),
        ("yyyy-MM-ddTHH:mm", "T", "'T' is not a pattern letter"),
        ("yyyy-MM-dd HH:mm:ss UTC", "UTC", "are not pattern letters"),
        ("MMMMMM yyyy", "MMMMMM", "too many pattern letters"),
        ("dddd", "dddd", "too many pattern letters"),
        ("HHH:mm", "HHH", "too many pattern letters"),
        ("hh:mm aa", "aa", "too many pattern letters"),
        ("EEEEEE", "EEEEEE", "too many pattern letters"),
        ("SSSSSSSSSS", "SSSSSSSSSS", "too many pattern letters"),
        ("VVV", "VVV", "wrong number of pattern letters"),
        ("OO", "OO", "wrong number of pattern letters"),
        ("yyyy-MM-dd'T", "'T", "unterminated quoted text"),
        ("yyyy{MM}", "{", "reserved character"),
        ("yyyy#", "#", "reserved character"),
        // Java's ofPattern throws on a padded number field followed by another number field.
        ("ppHHmm", "HHmm", "padded number field"),
        ("pMMdd", "MMdd", "padded number field"),
        ("yyyyppMMdd", "MMdd", "padded number field"),
        ("pyyyyMM", "yyyyMM", "padded number field"),
        ("yyyy]", "]", "never opened"),
        ("p-yyyy", "p", "pad letter"),
    ];
    for &(pattern, text, message) in cases {
        let problems = check_java_date_pattern(pattern);
        let errs = errors(&problems);
        assert!(
            errs.iter().any(|p| at(pattern, p) == text && p.message.contains(message)),
            "{pattern:?}: expected an error on {text:?} containing {message:?}, got {problems:#?}"
        );
    }
}

#[test]
fn unknown_letter_error_lists_valid_letters_and_helps() {
    let problems = check_java_date_pattern("yyyy-MM-ddTHH:mm:ss");
    let e = &problems[0];
    assert_eq!(e.severity, Severity::Error);
    assert!(e.message.contains("G u y D M L d"), "{e:?}");
    assert!(e.help.as_deref().unwrap().contains("'T'"), "{e:?}");

    let problems = check_java_date_pattern("MMM d, yyyy at h:mm a");
    let e = errors(&problems)[0];
    assert_eq!(at("MMM d, yyyy at h:mm a", e), "t");
    assert!(e.help.as_deref().unwrap().contains("'at'"), "{e:?}");

    // The 'a' of the unquoted word "at" is not taken for an AM/PM marker by the warnings.
    let problems = check_java_date_pattern("dd-MMM-yyyy at HH:mm");
    assert_eq!(problems.len(), 1, "{problems:#?}");

    let problems = check_java_date_pattern("yyyy-MM-dd HH:mm:ss.ffffff");
    assert!(errors(&problems)[0].help.as_deref().unwrap().contains("'S'"));
}

#[test]
fn unterminated_quote_stops_the_scan() {
    let problems = check_java_date_pattern("yyyy 'at HH:mm");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!((problems[0].start, problems[0].end), (5, 14));
}

#[test]
fn date_pattern_warnings() {
    // (pattern, text the warning points at, a word of the help)
    let cases: &[(&str, &str, &str)] = &[
        ("YYYY-MM-dd", "YYYY", "yyyy"),
        ("dd/MM/YY", "YY", "yy"),
        ("yyyy-MM-DD", "DD", "dd"),
        ("D/M/yyyy", "D", "dd"),
        ("yyyy-MM-dd hh:mm:ss", "hh", "HH"),
        ("K:mm", "K", "H"),
        ("yyyy-mm-dd", "mm", "MM"),
        ("dd/mm/yyyy", "mm", "MM"),
        ("mm/dd/yyyy", "mm", "MM"),
        ("HH:mm:SS", "SS", "ss"),
        ("HH:mm a", "HH", "hh"),
    ];
    for &(pattern, text, help) in cases {
        let problems = check_java_date_pattern(pattern);
        assert!(errors(&problems).is_empty(), "{pattern:?}: {problems:#?}");
        let warns = warnings(&problems);
        assert_eq!(warns.len(), 1, "{pattern:?}: {problems:#?}");
        assert_eq!(at(pattern, warns[0]), text, "{pattern:?}");
        assert!(warns[0].help.as_deref().unwrap_or("").contains(help), "{pattern:?}: {warns:#?}");
    }
}

#[test]
fn warning_positions_are_byte_ranges() {
    let problems = check_java_date_pattern("YYYY-MM-DD");
    let spans: Vec<(usize, usize)> = problems.iter().map(|p| (p.start, p.end)).collect();
    assert_eq!(spans, vec![(0, 4), (8, 10)]);
    // Non-ASCII literal text before a problem: offsets stay byte offsets.
    let pattern = "é yyyy-mm-dd";
    let problems = check_java_date_pattern(pattern);
    assert_eq!(at(pattern, &problems[0]), "mm");
}

#[test]
fn unclosed_optional_section_is_a_warning() {
    let problems = check_java_date_pattern("yyyy-MM-dd[ HH:mm");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].severity, Severity::Warning);
    assert_eq!((problems[0].start, problems[0].end), (10, 11));
}

// ---------------------------------------------------------------------------------------------
// Java regexes
// ---------------------------------------------------------------------------------------------

#[test]
fn valid_java_regexes() {
    for regex in [
        "([^,]+),[^,]*,([^,]+)",
        r"^\d{3}-\d{2}-\d{4}$",
        r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
        r"(?i)^(yes|y|true|on)$",
        r"\p{Alpha}+",
        r"\p{javaLowerCase}\p{Upper}",
        r"[\p{L}\p{Nd}_]+",
        r"\p{IsLatin}+\p{InGreek}*\p{IsAlphabetic}",
        r"\p{Lu}\pL\PN",
        r"\Q1+1=2\E",
        r"[\Q]\E]",
        r"a*+b++c?+",
        r"(?>abc|ab)c",
        r"(?<year>\d{4})-(?<month>\d{2})-\k<month>",
        r"(a)(b)\2\1",
        r"(?<=\$)\d+(?!\d)",
        r"(?<=ab{1,3})c",
        r"\bword\b\B",
        r"\A\w+\z",
        r"\G\s\S\W\D",
        r"\h\v\R",
        r"[a-z&&[^aeiou]]",
        r"[a-c[x-z]]",
        r"[]a]",
        r"[^]a]",
        r"x{2}{3}",
        r"a*{2}",
        r"\x41\x{1F600}\u00e9\uD83D\uDE00\0101\cA\t\n\e\a\f",
        r"[\x00-\x1F\u007F]",
        r"}]",
        r"a{2,}b{3,5}?c{0}",
        r"(?x) a b # comment ( [ {",
        r"(?s:.)(?m)^$(?-i)",
        r"(?idmsuxU-idmsuxU)",
        r"\/\-\.\@\#\<\>",
        "",
        r"(?:)",
        r"(?:)*x",
        r"(?=a)*b",
        r"^*",
        r"[\w-.]",
        r"[-a]",
        r"[a-]",
        r"\p{gc=Lu}\p{sc=Greek}\p{block=Basic Latin}",
        r"\N{LATIN SMALL LETTER A}",
        r"(?U)\w+",
        r"\1(a)",
        r"\Z",
        r"a{100000}",
        r"[\d-z]",
        r"\b{g}",
        r"\X+",
        r"é+",
        r"(?i)straße",
        // Java 9+: unbounded repeats of one character in a look-behind.
        r"(?<=\w+)x",
        r"(?<=a*)b",
        r"(?<=\d{2,})x",
        r"(?<=(a)+)b",
        r"(?<=\X+)a",
        r"(?<=a+?)b",
        r"(?<=a{1,2147483647})b",
        r"(?<!a{0,2147483647})b",
        // (?U) makes the POSIX names case-insensitive; \v ends a range as the vertical tab.
        r"(?U)\p{alpha}",
        r"(?U)\p{digit}",
        r"[\t-\v]",
        r"[\x00-\v]",
        r"[\v-z]",
        // Repeated assertions.
        r"\G*",
        r"a\G+",
        r"(?:\Z)+",
        r"(\b)*",
        r"(?:(?<=a))+",
        // Comments mode: Java skips whitespace inside escapes and group openings too.
        r"(?x)\p {L}\p{ Lu}\x {41}\x4 1\u 0041\0 1\b {g}\N {SPACE}",
        r"(?x)( ?:a)(? :b)(?< n>c)\k< n>(?<= d)(?i )e{2 }",
        // Scripts, blocks and names as Java 17 knows them.
        r"\p{IsUnknown}",
        r"\p{IsZzzz}",
        r"\p{IsOld_Italic}",
        r"\p{sc=Old_Italic}",
        r"\p{IsLATN}",
        r"\p{InGreek}\p{InGreek and Coptic}\p{InGREEKANDCOPTIC}\p{blk=Basic Latin}",
        r"\N{latin small letter a}\N{ GRINNING FACE }\N{CJK UNIFIED IDEOGRAPHS 4E00}\N{HANGUL SYLLABLES AC00}",
    ] {
        let problem = check_java_regex(regex);
        assert!(problem.is_none(), "{regex:?}: {problem:#?}");
    }
}

#[test]
fn every_java_property_name_is_accepted() {
    let names = [
        "Lower",
        "Upper",
        "ASCII",
        "Alpha",
        "Digit",
        "Alnum",
        "Punct",
        "Graph",
        "Print",
        "Blank",
        "Cntrl",
        "XDigit",
        "Space",
        "javaLowerCase",
        "javaUpperCase",
        "javaWhitespace",
        "javaMirrored",
        "javaAlphabetic",
        "javaIdeographic",
        "javaTitleCase",
        "javaDigit",
        "javaDefined",
        "javaLetter",
        "javaLetterOrDigit",
        "javaJavaIdentifierStart",
        "javaJavaIdentifierPart",
        "javaUnicodeIdentifierStart",
        "javaUnicodeIdentifierPart",
        "javaIdentifierIgnorable",
        "javaSpaceChar",
        "javaISOControl",
        "L",
        "Lu",
        "Ll",
        "Lt",
        "Lm",
        "Lo",
        "M",
        "Mn",
        "Mc",
        "Me",
        "N",
        "Nd",
        "Nl",
        "No",
        "P",
        "Pc",
        "Pd",
        "Ps",
        "Pe",
        "Pi",
        "Pf",
        "Po",
        "S",
        "Sm",
        "Sc",
        "Sk",
        "So",
        "Z",
        "Zs",
        "Zl",
        "Zp",
        "C",
        "Cc",
        "Cf",
        "Co",
        "Cs",
        "Cn",
        "LC",
        "LD",
        "L1",
        "all",
        "IsAlphabetic",
        "IsIdeographic",
        "IsLetter",
        "IsLowercase",
        "IsUppercase",
        "IsTitlecase",
        "IsPunctuation",
        "IsControl",
        "IsWhite_Space",
        "IsDigit",
        "IsHex_Digit",
        "IsJoin_Control",
        "IsNoncharacter_Code_Point",
        "IsAssigned",
        "IsLatin",
        "IsGreek",
        "IsCyrillic",
        "IsHan",
        "IsLu",
        "IsL",
        "IsAlpha",
        "InBasicLatin",
        "InGreek",
        "sc=Latin",
        "script=Arabic",
        "blk=Cyrillic",
        "gc=Nd",
        "general_category=L",
    ];
    for name in names {
        for regex in [format!(r"\p{{{name}}}"), format!(r"\P{{{name}}}"), format!(r"[^x\p{{{name}}}]")] {
            assert_eq!(check_java_regex(&regex), None, "{regex}");
        }
    }
}

#[test]
fn invalid_java_regexes() {
    // (regex, text the error points at, a word of the message)
    let cases: &[(&str, &str, &str)] = &[
        ("(abc", "(", "unclosed group"),
        ("a(b(c)d", "(", "unclosed group"),
        ("abc)", ")", "unmatched closing ')'"),
        ("*abc", "*", "dangling meta character '*'"),
        ("a|+b", "+", "dangling meta character '+'"),
        ("(?:?a)", "?", "dangling"),
        ("a**", "*", "dangling"),
        ("(?i)*", "*", "dangling"),
        ("[abc", "[", "unclosed character class"),
        ("[]", "[", "unclosed character class"),
        ("[a-z", "[", "unclosed character class"),
        (r"\y", r"\y", "illegal/unsupported escape"),
        (r"abc\", r"\", "unexpected end of pattern"),
        (r"\E", r"\E", r"\E"),
        ("a{", "{", "illegal repetition"),
        ("{abc}", "{", "illegal repetition"),
        ("a{,3}", "{", "illegal repetition"),
        ("a{2", "{2", "unclosed counted closure"),
        ("a{5,2}", "{5,2}", "illegal repetition range"),
        ("[z-a]", "z-a", "illegal character range"),
        (r"[a-\d]", r"a-\d", "illegal character range"),
        (r"\p{alpha}", r"\p{alpha}", "unknown character property name"),
        (r"\p{Latin}", r"\p{Latin}", "unknown character property name"),
        (r"\p{IsNotAScript}", r"\p{IsNotAScript}", "unknown character property name"),
        (r"\p{Alpha", r"\p{Alpha", "unclosed character family"),
        (r"(?x)\p{L }", r"\p{L }", "unknown character property name {L }"),
        (r"(?x)a{ 2}", "{", "illegal repetition"),
        (r"\xZZ", r"\x", "illegal hexadecimal escape"),
        (r"\u12", r"\u", "illegal Unicode escape"),
        (r"\09", r"\0", "illegal octal escape"),
        (r"\k<nope>", r"\k<nope>", "does not exist"),
        (r"(?<a>x)(?<a>y)", "(?<a>", "already defined"),
        (r"(?<my_name>x)", "(?<my_", "missing trailing '>'"),
        (r"(?<1x>x)", "(?<1", "does not start with a Latin letter"),
        (r"(?P<name>x)", "(?P", "unknown inline modifier"),
        (r"(?#comment)", "(?#", "unknown inline modifier"),
        (r"(?<=(ab)+)b", "+", "look-behind"),
        (r"(?<=x(?:a|b)+)y", "+", "look-behind"),
        (r"(?<=\R+)b", "+", "look-behind"),
        (r"(?<=xa+?)b", "+?", "look-behind"),
        (r"(a)(?<=\1)b", r"\1", "look-behind"),
        (r"[\b]", r"\b", "character class"),
        // Names Java 17 does not know, or spells otherwise.
        (r"\p{IsEmoji}", r"\p{IsEmoji}", "unknown character property name"),
        (r"\p{IsKawi}", r"\p{IsKawi}", "unknown character property name"),
        (r"\p{IsOldItalic}", r"\p{IsOldItalic}", "unknown character property name"),
        (r"\p{Is_Latin}", r"\p{Is_Latin}", "unknown character property name"),
        (r"\p{sc=Old Italic}", r"\p{sc=Old Italic}", "unknown Unicode property"),
        (r"\p{InNotABlock}", r"\p{InNotABlock}", "unknown character property name"),
        (r"\p{block=Foo}", r"\p{block=Foo}", "unknown Unicode property"),
        (r"\N{NOT A NAME}", r"\N{NOT A NAME}", "unknown character name"),
        (r"\N{CJK UNIFIED IDEOGRAPH-4E00}", r"\N{CJK UNIFIED IDEOGRAPH-4E00}", "unknown character name"),
        (r"\K", r"\K", "illegal/unsupported escape"),
    ];
    for &(regex, text, message) in cases {
        match check_java_regex(regex) {
            Some(p) => {
                assert_eq!(p.severity, Severity::Error, "{regex:?}: {p:#?}");
                assert_eq!(at(regex, &p), text, "{regex:?}: {p:#?}");
                assert!(p.message.contains(message), "{regex:?}: expected {message:?} in {p:#?}");
            }
            None => panic!("{regex:?} should be invalid"),
        }
    }
}

#[test]
fn regex_errors_have_help() {
    let p = check_java_regex("price: {amount}").unwrap();
    assert_eq!((p.start, p.end), (7, 8));
    assert!(p.help.unwrap().contains(r"\{"));
    let p = check_java_regex(r"\p{alpha}").unwrap();
    assert!(p.help.unwrap().contains(r"\p{Alpha}"));
}

#[test]
fn backreference_to_a_missing_group_is_a_warning() {
    let p = check_java_regex(r"(a)\2").expect("a warning");
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!((p.start, p.end), (3, 5));
    // Java reads \11 as \1 followed by '1' when there is only one group.
    assert!(check_java_regex(r"(a)\11").is_none());
}

#[test]
fn java_regexes_match_with_java_meaning() {
    let r = compile_java_regex("([^,]+),[^,]*,([^,]+)").unwrap();
    assert_eq!(r.group_count(), 2);
    assert_eq!(r.find("E259,E259B_009,1_1"), Some(true));
    assert_eq!(r.find("no commas"), Some(false));
    assert_eq!(r.matches_fully("a,b,c"), Some(true));
    assert_eq!(r.matches_fully("a,b,c,"), Some(false));

    // \d and \w are ASCII in Java; POSIX classes too.
    let r = compile_java_regex(r"^\d+$").unwrap();
    assert_eq!(r.find("123"), Some(true));
    assert_eq!(r.find("١٢٣"), Some(false));
    let r = compile_java_regex(r"^\p{Alpha}+$").unwrap();
    assert_eq!(r.find("abc"), Some(true));
    assert_eq!(r.find("é"), Some(false));
    // \Q…\E quotes.
    let r = compile_java_regex(r"^\Q1+1=2\E$").unwrap();
    assert_eq!(r.find("1+1=2"), Some(true));
    assert_eq!(r.find("11=2"), Some(false));
    // Named groups are counted with the others; backreferences work.
    let r = compile_java_regex(r"(?<a>x)(y)\k<a>\2").unwrap();
    assert_eq!(r.group_count(), 2);
    assert_eq!(r.find("xyxy"), Some(true));
    assert_eq!(r.find("xyxx"), Some(false));
    // Possessive quantifiers do not give back.
    let r = compile_java_regex(r"^a*+a$").unwrap();
    assert_eq!(r.find("aaa"), Some(false));
    // [^]a] is a class of everything but ']' and 'a'.
    let r = compile_java_regex(r"^[^]a]$").unwrap();
    assert_eq!(r.find("b"), Some(true));
    assert_eq!(r.find("]"), Some(false));
    // Comments mode drops whitespace and comments.
    let r = compile_java_regex("(?x) a b # c").unwrap();
    assert_eq!(r.find("ab"), Some(true));
}

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

#[test]
fn formats() {
    let valid: &[(&str, &str)] = &[
        ("date-time", "2026-11-28T10:00:00Z"),
        ("date-time", "2026-11-28T10:00:00.123456Z"),
        ("date-time", "2026-11-28T10:00:00+05:30"),
        ("date-time", "2026-11-28t10:00:00-08:00"),
        ("date-time", "2016-12-31T23:59:60Z"),
        ("date-time", "2024-02-29T00:00:00Z"),
        ("date", "2026-11-28"),
        ("date", "2024-02-29"),
        ("date", "2000-02-29"),
        ("date", "2026-12-31"),
        ("email", "jane.doe@example.com"),
        ("email", "a+tag@sub.example.co.uk"),
        ("uri", "https://example.com/a?b=c#d"),
        ("uri", "mailto:jane@example.com"),
        ("uri", "urn:isbn:0451450523"),
        ("uri", "https://example.com/a%20b"),
        ("uri-reference", "/relative/path?x=1"),
        ("uri-reference", "#fragment"),
        ("uri-reference", ""),
        ("ipv4", "192.168.0.1"),
        ("ipv6", "2001:db8::1"),
        ("ipv6", "::1"),
        ("unknown-format", "anything at all"),
    ];
    for &(format, value) in valid {
        assert_eq!(check_format(value, format), None, "{format} {value:?}");
    }
    let invalid: &[(&str, &str, &str)] = &[
        ("date-time", "2026-11-28 10:00:00", "'T'"),
        ("date-time", "2026-13-28T10:00:00Z", "month 13"),
        ("date-time", "2026-11-32T10:00:00Z", "day 32"),
        ("date-time", "2026-11-28T24:00:00Z", "hour 24"),
        ("date-time", "2026-11-28T10:60:00Z", "minute 60"),
        ("date-time", "2026-11-28T10:00:00", "offset"),
        ("date-time", "2026-11-28T10:00:00.Z", "digit"),
        ("date-time", "2026-11-28T10:00:00+5:30", "offset"),
        ("date-time", "2026-11-28T10:00:60Z", "leap second"),
        ("date-time", "2026-02-29T10:00:00Z", "leap year"),
        ("date-time", "2026-11-28", "RFC 3339"),
        ("date-time", "1764324000", "RFC 3339"),
        ("date", "2026-02-29", "leap year"),
        ("date", "1900-02-29", "leap year"),
        ("date", "2026-04-31", "day 31"),
        ("date", "2026-00-10", "month 00"),
        ("date", "28/11/2026", "YYYY-MM-DD"),
        ("date", "2026-11-28T10:00:00Z", "YYYY-MM-DD"),
        ("email", "jane.example.com", "no '@'"),
        ("email", "jane@@example.com", "more than one"),
        ("email", "@example.com", "nothing before"),
        ("email", "jane@localhost", "no '.'"),
        ("email", "jane doe@example.com", "whitespace"),
        ("email", "jane@example..com", "empty label"),
        ("uri", "example.com/path", "scheme"),
        ("uri", "/relative", "scheme"),
        ("uri", "https://example.com/a b", "space"),
        ("uri", "https://example.com/%zz", "%"),
        ("uri", "1http://x", "scheme"),
        ("uri-reference", "a b", "space"),
        ("ipv4", "256.1.1.1", "IPv4"),
        ("ipv4", "1.2.3", "IPv4"),
        ("ipv6", "2001:db8:::1", "IPv6"),
        ("ipv6", "192.168.0.1x", "IPv6"),
    ];
    for &(format, value, why) in invalid {
        match check_format(value, format) {
            Some(message) => assert!(message.contains(why), "{format} {value:?}: {message:?} lacks {why:?}"),
            None => panic!("{format} {value:?} should be invalid"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Schema patterns
// ---------------------------------------------------------------------------------------------

#[test]
fn json_schema_patterns() {
    let cases: &[(&str, &str, Option<bool>)] = &[
        ("^[A-Z]{2}$", "US", Some(true)),
        ("^[A-Z]{2}$", "USA", Some(false)),
        ("^[A-Z]{2}$", "us", Some(false)),
        ("[0-9]", "abc1", Some(true)), // unanchored
        ("[0-9]", "abc", Some(false)),
        (r"^\d+$", "123", Some(true)),
        (r"^\d+$", "١٢٣", Some(false)), // ECMA \d is ASCII
        (r"^\w+$", "é", Some(false)),
        ("^[^]$", "\n", Some(true)),
        ("[]", "a", Some(false)),
        ("^[[]$", "[", Some(true)),
        (r"^\u0041$", "A", Some(true)),
        (r"^\x41\/$", "A/", Some(true)),
        (r"^(?<y>\d{4})-\k<y>$", "2024-2024", Some(true)),
        (r"^(?=.*\d)(?=.*[a-z]).{8,}$", "abcdefg1", Some(true)),
        ("^(", "x", None),
        ("[a", "x", None),
    ];
    for &(pattern, value, expected) in cases {
        assert_eq!(matches_json_schema_pattern(pattern, value), expected, "{pattern:?} on {value:?}");
    }
}

#[test]
fn cached_results_are_stable() {
    for _ in 0..3 {
        assert_eq!(matches_json_schema_pattern("^[A-Z]{2}$", "FR"), Some(true));
        assert!(check_java_regex("(abc").is_some());
        assert!(check_java_regex("(abc)").is_none());
    }
    // More distinct patterns than the cache holds: it is bounded, answers stay right.
    for i in 0..1500 {
        let p = format!("^a{{{i}}}$");
        assert_eq!(matches_json_schema_pattern(&p, "a"), Some(i == 1), "{p}");
    }
}

// ---------------------------------------------------------------------------------------------
// Totality
// ---------------------------------------------------------------------------------------------

fn pattern_strategy() -> impl Strategy<Value = String> {
    // Biased towards the characters that matter to these languages.
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(vec![
                '\\', '(', ')', '[', ']', '{', '}', '*', '+', '?', '|', '^', '$', '.', '-', '&', '\'', '#',
                ',', ':', 'p', 'P', 'Q', 'E', 'k', '<', '>', '=', '!', 'x', 'u', 'c', '0', '1', '2', '9',
                'y', 'M', 'd', 'H', 'm', 's', 'S', 'a', 'h', 'Y', 'D', 'T', 'b', ' ', '\n', 'é', '\u{1F600}',
            ]),
            1 => any::<char>(),
        ],
        0..24,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn check_spans(text: &str, problems: &[PatternProblem]) {
    for p in problems {
        assert!(p.start <= p.end && p.end <= text.len(), "{text:?}: {p:?}");
        assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end), "{text:?}: {p:?}");
        assert!(!p.message.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn date_pattern_check_is_total(pattern in pattern_strategy()) {
        let problems = check_java_date_pattern(&pattern);
        check_spans(&pattern, &problems);
    }

    #[test]
    fn java_regex_check_is_total(regex in pattern_strategy(), text in ".{0,12}") {
        let problem = check_java_regex(&regex);
        check_spans(&regex, problem.as_slice());
        if let Ok(r) = compile_java_regex(&regex) {
            let _ = r.find(&text);
            let _ = r.matches_fully(&text);
        }
    }

    #[test]
    fn json_schema_pattern_is_total(pattern in pattern_strategy(), value in ".{0,12}") {
        let _ = matches_json_schema_pattern(&pattern, &value);
    }

    #[test]
    fn format_check_is_total(value in ".{0,40}", format in prop::sample::select(vec![
        "date-time", "date", "email", "uri", "uri-reference", "ipv4", "ipv6", "other",
    ])) {
        let _ = check_format(&value, format);
    }

    #[test]
    fn date_time_shapes_are_total(value in "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,3})?(Z|[+-][0-9]{2}:[0-9]{2})?") {
        let _ = check_format(&value, "date-time");
        let _ = check_format(&value[..10], "date");
    }
}

#[test]
fn huge_counted_repeats_are_judged_by_syntax_without_building() {
    // Java accepts all of these; building them would take gigabytes, so they are judged by
    // their syntax and cannot be matched (find says "cannot tell").
    for regex in [
        r"(?<=a{1,2147483647})b",
        r"(?<!x{2147483647})y",
        r"a{2147483647}",
        r"(?:a{100000}){100000}",
        r"((a{99999}){99999}){99999}",
        r"[a-z]{0,2147483647}?",
    ] {
        assert_eq!(check_java_regex(regex), None, "{regex}");
        let compiled = compile_java_regex(regex).expect(regex);
        assert_eq!(compiled.find("ab"), None, "{regex}");
        assert_eq!(compiled.matches_fully("ab"), None, "{regex}");
    }
    // Ordinary counts are still built and matched.
    assert_eq!(compile_java_regex(r"^\d{4}-\d{2}$").unwrap().find("2026-11"), Some(true));
    // Java's own range limit: a count must fit in an int.
    let p = check_java_regex(r"a{2147483648}").expect("too large");
    assert!(p.message.contains("illegal repetition range"), "{p:?}");
}

#[test]
fn nesting_is_accepted_as_deep_as_java_accepts_it_even_on_a_small_stack() {
    let nested = |open: &str, close: &str, n: usize| format!("{}a{}", open.repeat(n), close.repeat(n));
    // A caller with a small stack (a worker thread) still gets an answer, never an overflow.
    let answers = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || {
            let mut answers = Vec::new();
            for (open, close) in [("(", ")"), ("(?:", ")"), ("[", "]")] {
                for n in [210, 1000, 1001] {
                    answers.push((n, check_java_regex(&nested(open, close, n))));
                }
            }
            answers
        })
        .unwrap()
        .join()
        .unwrap();
    for (n, answer) in answers {
        if n <= 1000 {
            assert_eq!(answer, None, "{n} levels");
        } else {
            let p = answer.expect("too deep");
            assert!(p.message.contains("nested more than 1000 levels deep"), "{p:?}");
            assert_eq!(p.end - p.start, 1, "points at the opening: {p:?}");
        }
    }
}
