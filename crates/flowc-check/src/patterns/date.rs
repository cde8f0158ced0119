//! Java `DateTimeFormatter.ofPattern` patterns: the errors Java throws and the classic mistakes.

use super::PatternProblem;

/// The pattern letters of `java.time.format.DateTimeFormatter`, as listed in error messages.
pub const JAVA_DATE_PATTERN_LETTERS: &str = "G u y D M L d Q q Y w W E e c F a B h K k H m s S A n N g V v z O X x Z p";

struct LetterRule {
    /// How many letters are allowed, in words.
    allowed: &'static str,
    ok: fn(usize) -> bool,
    /// The largest allowed count (for suggestions).
    max: usize,
}

fn date_letter_rule(c: char) -> Option<LetterRule> {
    let rule = |allowed: &'static str, ok: fn(usize) -> bool, max: usize| LetterRule { allowed, ok, max };
    Some(match c {
        'G' | 'M' | 'L' | 'Q' | 'q' | 'E' | 'e' | 'X' | 'x' | 'Z' => rule("1 to 5", |n| n <= 5, 5),
        'c' => rule("1, 3, 4 or 5", |n| n == 1 || (3..=5).contains(&n), 5),
        'y' | 'u' | 'A' | 'n' | 'N' | 'g' => rule("1 to 19", |n| n <= 19, 19),
        // The week-based year has no width check in Java (`WeekBasedFieldPrinterParser`).
        'Y' => rule("any number of", |_| true, usize::MAX),
        'D' => rule("1 to 3", |n| n <= 3, 3),
        'd' | 'h' | 'H' | 'k' | 'K' | 'm' | 's' | 'w' => rule("1 or 2", |n| n <= 2, 2),
        'W' | 'F' | 'a' => rule("only 1", |n| n == 1, 1),
        'S' => rule("1 to 9", |n| n <= 9, 9),
        'V' => rule("exactly 2", |n| n == 2, 2),
        'v' | 'O' => rule("1 or 4", |n| n == 1 || n == 4, 4),
        'z' => rule("1 to 4", |n| n <= 4, 4),
        'B' => rule("1, 4 or 5", |n| n == 1 || n == 4 || n == 5, 5),
        _ => return None,
    })
}

#[derive(Clone, Copy, Debug)]
struct DateField {
    letter: char,
    count: usize,
    start: usize,
    end: usize,
}

fn repeat_char(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}

fn count_help(c: char, count: usize, rule: &LetterRule) -> String {
    match c {
        'd' => "'dd' is the day of the month; for the day-of-week name use 'EEE' (Mon) or 'EEEE' (Monday)".into(),
        'M' | 'L' => format!(
            "'{0}{0}' is the 2-digit month, '{0}{0}{0}' the short name (Nov), '{0}{0}{0}{0}' the full name (November)",
            c
        ),
        'E' => "'EEE' is the short day name (Mon), 'EEEE' the full one (Monday)".into(),
        'a' => "a single 'a' prints AM/PM".into(),
        'S' => "'SSS' is milliseconds, 'SSSSSS' microseconds, 'SSSSSSSSS' (at most 9) nanoseconds".into(),
        'c' => "'c' is the numeric day-of-week; 'ccc' to 'ccccc' are its names".into(),
        'V' => "'VV' is the time-zone id (Europe/Paris)".into(),
        'v' => "use 'v' (PT) or 'vvvv' (Pacific Time)".into(),
        'O' => "use 'O' (GMT+8) or 'OOOO' (GMT+08:00)".into(),
        'z' => "'z' is the short zone name (PST), 'zzzz' the full one (Pacific Standard Time)".into(),
        'B' => "use 'B', 'BBBB' or 'BBBBB'".into(),
        _ if count > rule.max => format!("use at most {} letters: '{}'", rule.max, repeat_char(c, rule.max)),
        _ => format!("'{}' takes {} letters", c, rule.allowed),
    }
}

/// A help for a letter that is not a pattern letter, when the intended one is obvious.
fn unknown_letter_help(c: char) -> Option<&'static str> {
    Some(match c {
        'T' => "to put a literal 'T' between the date and the time, quote it: yyyy-MM-dd'T'HH:mm:ss",
        'f' => "the fraction of the second is 'S' ('SSS' for milliseconds)",
        'b' => "the short month name is 'MMM' (Nov)",
        'I' => "the 12-hour clock hour is 'hh' (with 'a' for AM/PM)",
        'j' => "the day of the year is 'D' ('DDD')",
        'P' => "the AM/PM marker is 'a'",
        'i' => "the minute is 'mm'",
        'l' => "the hour is 'HH' (24-hour) or 'hh' (12-hour, with 'a')",
        'U' | 'C' | 'R' | 'J' | 'o' | 'r' | 't' => return None,
        _ => return None,
    })
}

/// Check a Java `DateTimeFormatter.ofPattern` pattern.
///
/// Errors are what Java rejects (unknown letters, too many letters, reserved `{` `}` `#`,
/// an unterminated quote, `]` without `[`, `p` padding with nothing to pad); warnings are the
/// classic mistakes that Java accepts but that almost never mean what was intended (`YYYY`,
/// `DD` with a month, `hh` without `a`, `mm` among date fields, `SS` used as seconds, `HH`
/// with `a`) and an optional section `[` that is never closed.
pub fn check_java_date_pattern(pattern: &str) -> Vec<PatternProblem> {
    let chars: Vec<(usize, char)> = pattern.char_indices().collect();
    let n = chars.len();
    let off = |i: usize| chars.get(i).map_or(pattern.len(), |&(o, _)| o);
    let mut problems = Vec::new();
    let mut fields: Vec<DateField> = Vec::new();
    let mut optional: Vec<usize> = Vec::new();
    // A pending sequence of runs of unknown letters: (first char index, end char index).
    let mut unknown: Option<(usize, usize)> = None;
    // Byte ranges of words taken for unquoted literal text ("at", "UTC"): their letters are
    // not fields for the warnings.
    let mut text_words: Vec<(usize, usize)> = Vec::new();
    let mut adjacent = AdjacentValues::default();

    let flush_unknown = |unknown: &mut Option<(usize, usize)>,
                         problems: &mut Vec<PatternProblem>,
                         text_words: &mut Vec<(usize, usize)>| {
        if let Some((a, b)) = unknown.take() {
            let (problem, word) = unknown_letters_problem(pattern, &chars, a, b);
            problems.push(problem);
            text_words.extend(word);
        }
    };

    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if c.is_ascii_alphabetic() {
            let mut j = i + 1;
            while j < n && chars[j].1 == c {
                j += 1;
            }
            let count = j - i;
            if c == 'p' {
                flush_unknown(&mut unknown, &mut problems, &mut text_words);
                // `padNext` starts a new run of adjacent fields.
                adjacent.reset();
                adjacent.pad_next = true;
                if !(j < n && chars[j].1.is_ascii_alphabetic()) {
                    problems.push(
                        PatternProblem::error(
                            off(i),
                            off(j),
                            "pad letter 'p' must be followed by the pattern letters it pads",
                        )
                        .with_help("e.g. 'ppH' pads the hour to 2 characters with spaces"),
                    );
                }
                i = j;
                continue;
            }
            match date_letter_rule(c) {
                None => {
                    adjacent.reset();
                    unknown = Some(match unknown {
                        Some((a, _)) => (a, j),
                        None => (i, j),
                    });
                }
                Some(rule) => {
                    flush_unknown(&mut unknown, &mut problems, &mut text_words);
                    if !(rule.ok)(count) {
                        let text = &pattern[off(i)..off(j)];
                        // Letters whose allowed counts have gaps say "wrong number", as Java does.
                        let gaps = matches!(c, 'V' | 'v' | 'O' | 'c' | 'B');
                        let message = if count > rule.max && !gaps {
                            format!("too many pattern letters: '{text}' ('{c}' takes {} letters)", rule.allowed)
                        } else {
                            format!("wrong number of pattern letters: '{text}' ('{c}' takes {} letters)", rule.allowed)
                        };
                        problems.push(
                            PatternProblem::error(off(i), off(j), message).with_help(count_help(c, count, &rule)),
                        );
                        adjacent.reset();
                    } else if let Some(problem) = adjacent.field(c, count, (off(i), off(j))) {
                        problems.push(problem);
                    }
                    fields.push(DateField { letter: c, count, start: off(i), end: off(j) });
                }
            }
            i = j;
            continue;
        }
        flush_unknown(&mut unknown, &mut problems, &mut text_words);
        // Literals and optional sections end a run of adjacent number fields.
        adjacent.reset();
        match c {
            '\'' => {
                let mut j = i + 1;
                let mut closed = false;
                while j < n {
                    if chars[j].1 == '\'' {
                        if j + 1 < n && chars[j + 1].1 == '\'' {
                            j += 2;
                            continue;
                        }
                        closed = true;
                        break;
                    }
                    j += 1;
                }
                if !closed {
                    problems.push(
                        PatternProblem::error(
                            off(i),
                            pattern.len(),
                            "unterminated quoted text: this quote is never closed",
                        )
                        .with_help("close the literal text with ' (write '' for a single quote character)"),
                    );
                    break;
                }
                i = j + 1;
                continue;
            }
            '[' => optional.push(off(i)),
            ']' if optional.pop().is_none() => {
                problems.push(
                    PatternProblem::error(
                        off(i),
                        off(i + 1),
                        "']' closes an optional section that was never opened with '['",
                    )
                    .with_help("quote it to print a bracket: ']'"),
                );
            }
            '{' | '}' | '#' => {
                problems.push(
                    PatternProblem::error(
                        off(i),
                        off(i + 1),
                        format!("'{c}' is a reserved character in date patterns"),
                    )
                    .with_help(format!("quote it to print it literally: '{c}'")),
                );
            }
            _ => {}
        }
        i += 1;
    }
    flush_unknown(&mut unknown, &mut problems, &mut text_words);
    for start in optional {
        problems.push(
            PatternProblem::warning(
                start,
                start + 1,
                "optional section '[' is never closed (Java closes it at the end of the pattern)",
            )
            .with_help("add ']' where the optional part ends"),
        );
    }
    fields.retain(|f| !text_words.iter().any(|&(a, b)| a <= f.start && f.end <= b));
    date_pattern_warnings(&fields, &mut problems);
    problems.sort_by_key(|p| (p.start, p.end));
    problems
}

/// Java's "adjacent value parsing" of number fields written side by side (`yyyyMMdd`), as
/// `DateTimeFormatterBuilder.appendValue` does it: a number field of fixed width joins the run of
/// the one before it, any other starts a run, and so does a padded one (`padNext` ends a run).
/// A run whose first field is padded cannot take another field (`ppHHmm`): Java then throws a
/// `ClassCastException` from `ofPattern` (its padding wraps the field in a decorator that
/// `appendValue` casts back to a number parser).
#[derive(Default)]
struct AdjacentValues {
    /// A `p` was just read: the next field is padded.
    pad_next: bool,
    /// The base of the current run: is it padded, and where is it.
    base: Option<(bool, usize)>,
}

impl AdjacentValues {
    fn reset(&mut self) {
        self.pad_next = false;
        self.base = None;
    }

    /// A valid field `count` × `letter` at `span`.
    fn field(&mut self, letter: char, count: usize, span: (usize, usize)) -> Option<PatternProblem> {
        let padded = std::mem::take(&mut self.pad_next);
        let Some(fixed_width) = java_number_field(letter, count) else {
            self.base = None;
            return None;
        };
        match self.base {
            Some((true, start)) => {
                self.base = None;
                Some(
                    PatternProblem::error(
                        start,
                        span.1,
                        "a padded number field ('p') cannot be followed directly by another number field: Java's DateTimeFormatter fails on this pattern",
                    )
                    .with_help("put a literal between the two fields (e.g. 'ppHH:mm'), or drop the padding"),
                )
            }
            Some(_) if fixed_width => None,
            _ => {
                self.base = Some((padded, span.0));
                None
            }
        }
    }
}

/// For a field Java prints as a number (through `appendValue`), whether it has a fixed width
/// (minimum = maximum, never signed); `None` for text, zone and offset fields.
fn java_number_field(letter: char, count: usize) -> Option<bool> {
    Some(match letter {
        'y' | 'u' => count == 2,
        'M' | 'L' | 'Q' | 'q' | 'e' if count <= 2 => count == 2 || letter == 'e',
        'c' if count == 1 => true,
        'd' | 'h' | 'H' | 'k' | 'K' | 'm' | 's' => count == 2,
        'D' => count == 3,
        'S' | 'W' => true,
        'w' => count == 2,
        'Y' => count == 2 || count == 19,
        'A' | 'n' | 'N' => count == 19,
        'F' | 'g' => false,
        _ => return None,
    })
}

/// The problem for a sequence of unknown letters, and the byte range of the word around it
/// when that word is most likely unquoted literal text.
fn unknown_letters_problem(
    pattern: &str,
    chars: &[(usize, char)],
    a: usize,
    b: usize,
) -> (PatternProblem, Option<(usize, usize)>) {
    let off = |i: usize| chars.get(i).map_or(pattern.len(), |&(o, _)| o);
    let text = &pattern[off(a)..off(b)];
    let mut distinct: Vec<char> = Vec::new();
    for &(_, c) in &chars[a..b] {
        if !distinct.contains(&c) {
            distinct.push(c);
        }
    }
    let message = if distinct.len() == 1 {
        format!("'{}' is not a pattern letter (pattern letters: {JAVA_DATE_PATTERN_LETTERS})", distinct[0])
    } else {
        let list: Vec<String> = distinct.iter().map(|c| format!("'{c}'")).collect();
        format!("'{text}': {} are not pattern letters (pattern letters: {JAVA_DATE_PATTERN_LETTERS})", list.join(", "))
    };
    // The whole word of letters around the unknown ones: when it is made of single letters
    // ("at", "UTC", "on") it is most likely literal text that should be quoted.
    let mut wa = a;
    while wa > 0 && chars[wa - 1].1.is_ascii_alphabetic() {
        wa -= 1;
    }
    let mut wb = b;
    while wb < chars.len() && chars[wb].1.is_ascii_alphabetic() {
        wb += 1;
    }
    let word_is_text = wb - wa >= 2
        && (wa..wb).all(|k| {
            let c = chars[k].1;
            (k == wa || chars[k - 1].1 != c) && (k + 1 == wb || chars[k + 1].1 != c)
        });
    let help = if word_is_text {
        let word = &pattern[off(wa)..off(wb)];
        format!("letters are reserved for pattern letters; quote literal text: '{word}'")
    } else if let (1, Some(h)) = (distinct.len(), unknown_letter_help(distinct[0])) {
        h.to_string()
    } else {
        format!("letters are reserved for pattern letters; quote literal text: '{text}'")
    };
    let word = word_is_text.then(|| (off(wa), off(wb)));
    (PatternProblem::error(off(a), off(b), message).with_help(help), word)
}

fn date_pattern_warnings(fields: &[DateField], problems: &mut Vec<PatternProblem>) {
    let has = |letters: &[char]| fields.iter().any(|f| letters.contains(&f.letter));
    let has_ampm = has(&['a', 'B']);
    let has_week = has(&['w']);
    let has_month = has(&['M', 'L']);
    let has_seconds = has(&['s']);
    let has_12h = has(&['h', 'K']);
    const HOURS: [char; 4] = ['H', 'h', 'K', 'k'];
    const DATE_PARTS: [char; 5] = ['y', 'u', 'Y', 'd', 'D'];

    for (idx, f) in fields.iter().enumerate() {
        let text = repeat_char(f.letter, f.count);
        let prev = idx.checked_sub(1).map(|k| fields[k]);
        let next = fields.get(idx + 1).copied();
        match f.letter {
            'Y' if !has_week => problems.push(
                PatternProblem::warning(
                    f.start,
                    f.end,
                    format!(
                        "'{text}' is the week-based year, not the calendar year: it differs around New Year (2024-12-30 is in week-based year 2025)"
                    ),
                )
                .with_help(format!(
                    "use '{}' unless you mean ISO week-based years (with 'ww' week numbers)",
                    repeat_char('y', f.count)
                )),
            ),
            'D' if f.count <= 2 && has_month => problems.push(
                PatternProblem::warning(
                    f.start,
                    f.end,
                    format!("'{text}' is the day of the year (1-366), not the day of the month"),
                )
                .with_help(format!("use '{}' for the day of the month", repeat_char('d', f.count.max(2)))),
            ),
            'h' | 'K' if !has_ampm => {
                let what = if f.letter == 'h' {
                    "the 12-hour clock hour (1-12)"
                } else {
                    "the hour of the half-day (0-11)"
                };
                problems.push(
                    PatternProblem::warning(
                        f.start,
                        f.end,
                        format!("'{text}' is {what} but the pattern has no AM/PM marker 'a': 1 AM and 1 PM look the same"),
                    )
                    .with_help(format!(
                        "use '{}' for the 24-hour clock, or add an AM/PM marker 'a'",
                        repeat_char('H', f.count)
                    )),
                );
            }
            'H' if has_ampm && !has_12h => problems.push(
                PatternProblem::warning(
                    f.start,
                    f.end,
                    format!("'{text}' is the 24-hour clock hour but the pattern also has an AM/PM marker 'a'"),
                )
                .with_help(format!("use '{}' (12-hour clock) with 'a', or drop the 'a'", repeat_char('h', f.count))),
            ),
            'm' => {
                let hour_before = fields[..idx].iter().any(|g| HOURS.contains(&g.letter));
                let near_date = prev.is_some_and(|p| DATE_PARTS.contains(&p.letter))
                    || next.is_some_and(|p| DATE_PARTS.contains(&p.letter));
                if !hour_before && near_date {
                    problems.push(
                        PatternProblem::warning(
                            f.start,
                            f.end,
                            format!("'{text}' is the minute of the hour, but it sits among date fields with no hour before it"),
                        )
                        .with_help(format!(
                            "use '{}' for the month ('MM' is the month, 'mm' the minutes)",
                            repeat_char('M', f.count)
                        )),
                    );
                }
            }
            'S' if !has_seconds && prev.is_some_and(|p| p.letter == 'm') => problems.push(
                PatternProblem::warning(
                    f.start,
                    f.end,
                    format!("'{text}' is the fraction of the second, not the seconds"),
                )
                .with_help(format!("use '{}' for the seconds", repeat_char('s', f.count.min(2)))),
            ),
            _ => {}
        }
    }
}
