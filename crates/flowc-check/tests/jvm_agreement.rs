//! flowc's Java pattern validators against a real JVM: a seeded set of generated date patterns
//! and regexes (realistic ones and mutations of them) goes through both
//! `check_java_date_pattern` / `check_java_regex` and Java itself
//! (`jvm/PatternJudge.java`: `DateTimeFormatter.ofPattern`, `Pattern.compile`), and every
//! verdict must agree, except the deliberate differences listed with their reasons in
//! `tests/jvm-differences.json`.
//!
//! It needs Java 17 (`java` on the PATH, or `FLOWC_JAVA`); without it the test says so and
//! passes. `FLOWC_JVM_SEED` and `FLOWC_JVM_COUNT` (patterns of each kind) pick another set.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use flowc_check::patterns::{check_java_date_pattern, check_java_regex};
use flowc_diag::Severity;
use serde::Deserialize;

const DEFAULT_SEED: u64 = 19;
const DEFAULT_COUNT: usize = 1200;
/// The Java version flowc judges by (see the `java` line of `data/java-unicode.txt`).
const JAVA_VERSION: &str = "17";

/// splitmix64: small, seedable, the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

fn date_field(rng: &mut Rng) -> String {
    const COMMON: &[(char, &[usize])] = &[
        ('y', &[2, 4, 4, 1, 3]),
        ('M', &[1, 2, 2, 3, 4]),
        ('d', &[1, 2, 2]),
        ('H', &[1, 2, 2]),
        ('h', &[1, 2]),
        ('m', &[2, 2, 1]),
        ('s', &[2, 1]),
        ('S', &[3, 6, 9, 1]),
        ('a', &[1]),
        ('E', &[3, 4, 1]),
        ('u', &[4, 2]),
        ('D', &[1, 2, 3]),
        ('Y', &[4, 2]),
        ('w', &[1, 2]),
        ('X', &[1, 2, 3, 5]),
        ('x', &[1, 3]),
        ('Z', &[1, 4, 5]),
        ('z', &[1, 4]),
        ('V', &[2]),
        ('O', &[1, 4]),
        ('e', &[1, 2, 3]),
        ('c', &[1, 3, 4]),
        ('Q', &[1, 3]),
        ('q', &[1, 2]),
        ('L', &[1, 4]),
        ('G', &[1, 4]),
        ('k', &[1, 2]),
        ('K', &[1, 2]),
        ('n', &[1, 9]),
        ('N', &[1, 12]),
        ('A', &[1, 8]),
        ('B', &[1, 4]),
        ('v', &[1, 4]),
        ('g', &[1, 5]),
        ('F', &[1]),
        ('W', &[1]),
    ];
    let (letter, counts) = COMMON[rng.below(COMMON.len())];
    let count = if rng.chance(12) { 1 + rng.below(24) } else { counts[rng.below(counts.len())] };
    std::iter::repeat_n(letter, count).collect()
}

fn date_pattern(rng: &mut Rng, depth: usize) -> String {
    const SEPARATORS: &[&str] = &["-", "/", ":", " ", ".", ",", ", ", "'T'", "'at'", "''", "", "", "", "_", "+"];
    let mut s = String::new();
    for _ in 0..1 + rng.below(7) {
        if rng.chance(10) {
            s.push_str(&"p".repeat(1 + rng.below(2)));
        }
        s.push_str(&date_field(rng));
        if depth < 2 && rng.chance(8) {
            s.push('[');
            s.push_str(&date_pattern(rng, depth + 1));
            s.push(']');
        }
        s.push_str(rng.pick(SEPARATORS));
    }
    s
}

const REGEX_PROPERTIES: &[&str] = &[
    "Alpha",
    "alpha",
    "Lower",
    "Punct",
    "XDigit",
    "L",
    "Lu",
    "IsL",
    "IsLu",
    "gc=Lu",
    "LC",
    "LD",
    "L1",
    "all",
    "IsAlphabetic",
    "Isalphabetic",
    "IsWhite_Space",
    "IsWhiteSpace",
    "IsEmoji",
    "IsEmoji_Presentation",
    "IsDigit",
    "IsAlpha",
    "IsPunct",
    "IsLatin",
    "Islatin",
    "IsLATN",
    "IsOldItalic",
    "IsOld_Italic",
    "Is_Latin",
    "IsKawi",
    "IsVithkuqi",
    "IsUnknown",
    "IsZzzz",
    "IsZyyy",
    "IsCommon",
    "sc=Old Italic",
    "sc=Old_Italic",
    "script=Greek",
    "sc=Grek",
    "InGreek",
    "InGreek_and_Coptic",
    "InBasicLatin",
    "InBasic Latin",
    "InBasic_Latin",
    "InNotABlock",
    "block=Foo",
    "blk=Basic Latin",
    "blk=Cyrillic",
    "javaLowerCase",
    "javaMirrored",
    "javaFoo",
    "Latin",
    "IsNotAScript",
    "Cn",
    "Xx",
    "IsHan",
    "InCJK_Unified_Ideographs",
    "InArabic_Extended_B",
    "InKawi",
    "IsNyiakeng_Puachue_Hmong",
    "IsTangsa",
    "Print",
    "Graph",
];

const REGEX_NAMES: &[&str] = &[
    "LATIN SMALL LETTER A",
    "latin small letter a",
    "NOT A NAME",
    "SPACE",
    "GRINNING FACE",
    "CJK UNIFIED IDEOGRAPHS 4E00",
    "CJK UNIFIED IDEOGRAPH-4E00",
    "HANGUL SYLLABLES AC00",
    "LINE FEED",
    "BELL",
    "",
];

fn regex_atom(rng: &mut Rng, depth: usize) -> String {
    const SIMPLE: &[&str] = &[
        "a",
        "b",
        "x",
        "0",
        "9",
        "-",
        "_",
        ".",
        "é",
        "😀",
        "\\.",
        "\\-",
        "\\$",
        "\\/",
        "\\d",
        "\\w",
        "\\s",
        "\\D",
        "\\W",
        "\\S",
        "\\h",
        "\\v",
        "\\H",
        "\\V",
        "\\b",
        "\\B",
        "\\A",
        "\\G",
        "\\z",
        "\\Z",
        "\\R",
        "\\X",
        "\\b{g}",
        "^",
        "$",
        "\\x41",
        "\\x{1F600}",
        "\\u00e9",
        "\\uD83D\\uDE00",
        "\\0101",
        "\\cA",
        "\\t",
        "\\n",
        "\\e",
        "\\Qa+b\\E",
        "\\Q.\\E",
        "[a-z]",
        "[^0-9]",
        "[\\w-.]",
        "[a-z&&[^aeiou]]",
        "[\\t-\\v]",
        "[\\x00-\\v]",
        "[\\v-z]",
        "[\\d-z]",
        "[]a]",
        "[a-c[x-z]]",
        "[\\p{L}\\d]",
        "\\1",
        "\\2",
        "\\k<name>",
        "\\k<n2>",
        " ",
        "# c\n",
        "\\x{110000}",
        "\\u12",
        "\\c",
        "\\08",
        "\\0377",
        "\\p{ L}",
        "\\p {L}",
        "\\p{L }",
        "\\x{ 41}",
        "\\x4 1",
        "\\u 0041",
        "\\0 1",
        "\\b {g}",
        "\\N {SPACE}",
        "(? :a)",
        "( ?<n3>a)",
        "\\pL",
        "\\PN",
        "[\\p{IsLatin}&&\\p{Lu}]",
        "[^\\x{1F600}-\\x{1F64F}]",
        "}",
        "]",
    ];
    match rng.below(20) {
        0..=10 => rng.pick(SIMPLE).to_string(),
        11 | 12 => {
            let p = if rng.chance(80) { "p" } else { "P" };
            format!("\\{p}{{{}}}", rng.pick(REGEX_PROPERTIES))
        }
        13 => format!("\\N{{{}}}", rng.pick(REGEX_NAMES)),
        _ if depth >= 4 => "c".to_string(),
        _ => {
            const OPEN: &[&str] = &[
                "(", "(", "(?:", "(?<name>", "(?=", "(?!", "(?<=", "(?<=", "(?<!", "(?>", "(?i:", "(?U:", "(?x:",
                "(?s-m:", "(?<n2>",
            ];
            let open = rng.pick(OPEN);
            let inner = regex(rng, depth + 1);
            format!("{open}{inner})")
        }
    }
}

fn quantifier(rng: &mut Rng) -> String {
    let base = match rng.below(14) {
        0..=2 => "*".to_string(),
        3..=5 => "+".to_string(),
        6 | 7 => "?".to_string(),
        8 => format!("{{{}}}", rng.below(5)),
        9 => format!("{{{},}}", rng.below(4)),
        10 => format!("{{{},{}}}", rng.below(3), 3 + rng.below(4)),
        11 => rng
            .pick(&[
                "{1,2147483647}",
                "{2147483647}",
                "{0,2147483648}",
                "{100000}",
                "{3,1}",
                "{,3}",
                "{2",
                "{ 2 , 3 }",
                "{2,3",
            ])
            .to_string(),
        _ => String::new(),
    };
    let modifier = if base.is_empty() { "" } else { rng.pick(&["", "", "", "?", "+"]) };
    format!("{base}{modifier}")
}

fn regex(rng: &mut Rng, depth: usize) -> String {
    let mut s = String::new();
    for alt in 0..1 + usize::from(rng.chance(20)) {
        if alt > 0 {
            s.push('|');
        }
        if rng.chance(5) {
            s.push_str(rng.pick(&["(?i)", "(?U)", "(?x)", "(?-i)", "(?s)", "(?m)", "(?d)", "(?u)", "(?iu)", "(?x-i)"]));
        }
        for _ in 0..1 + rng.below(4) {
            s.push_str(&regex_atom(rng, depth));
            if rng.chance(45) {
                s.push_str(&quantifier(rng));
            }
        }
    }
    s
}

/// A small random edit of a realistic pattern, to reach the edges of the grammar.
fn mutate(rng: &mut Rng, s: &str, alphabet: &[&str]) -> String {
    let mut chars: Vec<String> = s.chars().map(String::from).collect();
    for _ in 0..1 + rng.below(2) {
        let at = rng.below(chars.len() + 1);
        match rng.below(4) {
            0 | 1 => chars.insert(at, rng.pick(alphabet).to_string()),
            2 if at < chars.len() => {
                chars.remove(at);
            }
            _ if at + 1 < chars.len() => chars.swap(at, at + 1),
            _ => chars.push(rng.pick(alphabet).to_string()),
        }
    }
    chars.concat()
}

fn generate(seed: u64, count: usize) -> (Vec<String>, Vec<String>) {
    let mut rng = Rng(seed);
    const DATE_EDITS: &[&str] =
        &["y", "M", "d", "H", "m", "s", "S", "p", "Y", "{", "}", "#", "[", "]", "'", "-", "T", "b", "a", "E"];
    const REGEX_EDITS: &[&str] = &[
        "(", ")", "[", "]", "{", "}", "|", "*", "+", "?", "\\", "^", "$", ".", "-", "&", "<", ">", "=", "!", "p", "k",
        "Q", "E", "1", ",",
    ];
    let mut dates = Vec::with_capacity(count);
    let mut regexes = Vec::with_capacity(count);
    for k in 0..count {
        let d = date_pattern(&mut rng, 0);
        dates.push(if k % 3 == 2 { mutate(&mut rng, &d, DATE_EDITS) } else { d });
        let r = regex(&mut rng, 0);
        regexes.push(if k % 3 == 2 { mutate(&mut rng, &r, REGEX_EDITS) } else { r });
    }
    (dates, regexes)
}

// ---------------------------------------------------------------------------------------------
// The two judges
// ---------------------------------------------------------------------------------------------

fn flowc_accepts_date(pattern: &str) -> bool {
    !check_java_date_pattern(pattern).iter().any(|p| p.severity == Severity::Error)
}

fn flowc_accepts_regex(pattern: &str) -> bool {
    check_java_regex(pattern).is_none_or(|p| p.severity != Severity::Error)
}

/// The Java 17 to ask: `FLOWC_JAVA`, `java` on the PATH, or Debian's JDK 17.
fn find_java() -> Option<String> {
    let candidates = std::env::var("FLOWC_JAVA")
        .ok()
        .into_iter()
        .chain(["java".to_string(), "/usr/lib/jvm/java-17-openjdk-amd64/bin/java".to_string()]);
    for java in candidates {
        let Ok(version) = Command::new(&java).arg("-version").output() else {
            continue;
        };
        let banner = String::from_utf8_lossy(&version.stderr).to_string();
        let feature = banner.split('"').nth(1).unwrap_or("").split('.').next().unwrap_or("").to_string();
        if feature == JAVA_VERSION {
            return Some(java);
        }
        eprintln!("jvm_agreement: {java} is Java {feature:?}, flowc judges by Java {JAVA_VERSION}");
    }
    None
}

/// Java's verdicts (`Ok` or the exception), in order; `None` when no Java 17 can be run.
fn java_verdicts(requests: &[(char, &str)]) -> Option<Vec<Result<(), String>>> {
    let java = find_java()?;
    let judge = concat!(env!("CARGO_MANIFEST_DIR"), "/jvm/PatternJudge.java");
    let mut child = Command::new(&java)
        .arg(judge)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the Java judge");
    let mut stdin = child.stdin.take().expect("judge stdin");
    let input: String = requests
        .iter()
        .map(|(kind, p)| {
            let hex: String = p.bytes().map(|b| format!("{b:02x}")).collect();
            format!("{kind} {hex}\n")
        })
        .collect();
    // A judge that cannot start closes its input early: that is reported below, not here.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).is_ok());
    let stdout = BufReader::new(child.stdout.take().expect("judge stdout"));
    let verdicts: Vec<Result<(), String>> = stdout
        .lines()
        .map(|line| {
            let line = line.expect("read the judge");
            match line.strip_prefix("error ") {
                Some(why) => Err(why.to_string()),
                None => Ok(()),
            }
        })
        .collect();
    let written = writer.join().expect("writer thread");
    let status = child.wait().expect("judge exit");
    if verdicts.is_empty() && !status.success() {
        eprintln!(
            "jvm_agreement: skipped: {java} cannot run jvm/PatternJudge.java (a JRE without the compiler? install openjdk-17-jdk-headless)"
        );
        return None;
    }
    assert!(written && status.success(), "the Java judge failed: {status}");
    assert_eq!(verdicts.len(), requests.len(), "one verdict per pattern");
    Some(verdicts)
}

// ---------------------------------------------------------------------------------------------
// Deliberate differences
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Differences {
    differences: Vec<Difference>,
}

/// A pattern flowc judges differently from Java on purpose: the kind (`date` or `regex`), a
/// text every such pattern contains, and why.
#[derive(Deserialize)]
struct Difference {
    kind: String,
    contains: String,
    reason: String,
}

fn differences() -> Vec<Difference> {
    let text = include_str!("jvm-differences.json");
    let parsed: Differences = serde_json::from_str(text).expect("tests/jvm-differences.json");
    for d in &parsed.differences {
        assert!(!d.reason.trim().is_empty(), "{:?} needs a reason", d.contains);
        assert!(matches!(d.kind.as_str(), "date" | "regex"), "kind {:?}", d.kind);
    }
    parsed.differences
}

#[test]
fn flowc_and_java_17_agree_on_generated_patterns() {
    let seed = std::env::var("FLOWC_JVM_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_SEED);
    let count = std::env::var("FLOWC_JVM_COUNT").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_COUNT);
    let (dates, regexes) = generate(seed, count);
    let requests: Vec<(char, &str)> =
        dates.iter().map(|d| ('D', d.as_str())).chain(regexes.iter().map(|r| ('R', r.as_str()))).collect();
    let Some(java) = java_verdicts(&requests) else {
        eprintln!(
            "jvm_agreement: skipped: no Java 17 to compare with (install openjdk-17-jdk-headless, or set FLOWC_JAVA)"
        );
        return;
    };
    let differences = differences();
    let mut unexplained = Vec::new();
    let mut agree = [0usize; 2];
    let mut explained = [0usize; 2];
    for ((kind, pattern), verdict) in requests.iter().zip(&java) {
        let flowc = match kind {
            'D' => flowc_accepts_date(pattern),
            _ => flowc_accepts_regex(pattern),
        };
        let which = usize::from(*kind == 'R');
        if flowc == verdict.is_ok() {
            agree[which] += 1;
            continue;
        }
        let name = if *kind == 'D' { "date" } else { "regex" };
        if differences.iter().any(|d| d.kind == name && pattern.contains(&d.contains)) {
            explained[which] += 1;
            continue;
        }
        unexplained.push(format!(
            "{name} {pattern:?}: Java {}, flowc {}",
            match verdict {
                Ok(()) => "accepts".to_string(),
                Err(why) => format!("refuses ({why})"),
            },
            if flowc { "accepts" } else { "refuses" }
        ));
    }
    eprintln!(
        "jvm_agreement (seed {seed}): date patterns agree {}/{count} ({} documented differences), regexes agree {}/{count} ({} documented differences)",
        agree[0], explained[0], agree[1], explained[1]
    );
    assert!(unexplained.is_empty(), "{} disagreements with Java 17:\n{}", unexplained.len(), unexplained.join("\n"));
}
