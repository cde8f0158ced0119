//! JSON Schema `format`s seen in XDM, checked on constants.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Constants checked against an XDM field's format (JSON Schema formats seen in XDM): `Some`
/// says why `value` is not a valid `format`; `None` when it is, or when the format is unknown.
pub fn check_format(value: &str, format: &str) -> Option<String> {
    match format {
        "date-time" => check_date_time(value).err(),
        "date" => check_full_date(value).err(),
        "email" => check_email(value).err(),
        "uri" => check_uri(value).err(),
        "uri-reference" => check_uri_reference(value).err(),
        "ipv4" => value.parse::<Ipv4Addr>().err().map(|_| {
            format!("'{value}' is not an IPv4 address (four numbers 0-255 separated by dots, like 192.168.0.1)")
        }),
        "ipv6" => {
            value.parse::<Ipv6Addr>().err().map(|_| format!("'{value}' is not an IPv6 address (like 2001:db8::1)"))
        }
        _ => None,
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
            if leap { 29 } else { 28 }
        }
    }
}

/// Parse exactly `n` ASCII digits of `s` at byte `at`.
fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = s.get(at..at + n)?;
    if !part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(part.iter().fold(0, |v, d| v * 10 + u32::from(d - b'0')))
}

/// RFC 3339 `full-date`: `YYYY-MM-DD`, a real calendar day.
fn check_full_date(v: &str) -> Result<(), String> {
    let b = v.as_bytes();
    let shape = || format!("'{v}' is not a date in the form YYYY-MM-DD");
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(shape());
    }
    let (Some(year), Some(month), Some(day)) = (digits(b, 0, 4), digits(b, 5, 2), digits(b, 8, 2)) else {
        return Err(shape());
    };
    if !(1..=12).contains(&month) {
        return Err(format!("month {month:02} is out of range (01-12) in '{v}'"));
    }
    let max = days_in_month(year, month);
    if day == 0 || day > max {
        return Err(if month == 2 && day == 29 {
            format!("{year} is not a leap year: February has 28 days in '{v}'")
        } else {
            format!("day {day:02} is out of range (01-{max}) for month {month:02} in '{v}'")
        });
    }
    Ok(())
}

/// RFC 3339 `date-time`: `full-date "T" full-time`, with a `Z` or `±hh:mm` offset.
fn check_date_time(v: &str) -> Result<(), String> {
    let b = v.as_bytes();
    let shape = || format!("'{v}' is not an RFC 3339 date-time like 2026-11-28T10:00:00Z");
    if b.len() < 11 || !v.is_char_boundary(10) {
        return Err(shape());
    }
    check_full_date(&v[..10])?;
    match b[10] {
        b'T' | b't' => {}
        b' ' => {
            return Err(format!("date and time must be separated by 'T', not a space, in '{v}'"));
        }
        _ => return Err(shape()),
    }
    let t = &b[11..];
    if t.len() < 8 || t[2] != b':' || t[5] != b':' {
        return Err(format!("the time in '{v}' must be hh:mm:ss"));
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(t, 0, 2), digits(t, 3, 2), digits(t, 6, 2)) else {
        return Err(format!("the time in '{v}' must be hh:mm:ss"));
    };
    if hour > 23 {
        return Err(format!("hour {hour:02} is out of range (00-23) in '{v}'"));
    }
    if minute > 59 {
        return Err(format!("minute {minute:02} is out of range (00-59) in '{v}'"));
    }
    if second > 60 {
        return Err(format!("second {second:02} is out of range (00-59) in '{v}'"));
    }
    let mut k = 8;
    if t.get(k) == Some(&b'.') {
        let digits_start = k + 1;
        k += 1;
        while t.get(k).is_some_and(u8::is_ascii_digit) {
            k += 1;
        }
        if k == digits_start {
            return Err(format!("the fraction of a second in '{v}' needs at least one digit after '.'"));
        }
    }
    let offset_minutes: i64 = match t.get(k) {
        Some(b'Z' | b'z') => {
            k += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let o = &t[k + 1..];
            if o.len() < 5 || o[2] != b':' {
                return Err(format!("the offset in '{v}' must be Z or ±hh:mm"));
            }
            let (Some(oh), Some(om)) = (digits(o, 0, 2), digits(o, 3, 2)) else {
                return Err(format!("the offset in '{v}' must be Z or ±hh:mm"));
            };
            if oh > 23 || om > 59 {
                return Err(format!("the offset in '{v}' is out of range (hours 00-23, minutes 00-59)"));
            }
            k += 6;
            let m = i64::from(oh * 60 + om);
            if sign == b'+' { m } else { -m }
        }
        None => {
            return Err(format!("'{v}' has no time-zone offset: add Z (UTC) or ±hh:mm"));
        }
        Some(_) => return Err(format!("the offset in '{v}' must be Z or ±hh:mm")),
    };
    if k != t.len() {
        return Err(format!("unexpected text after the offset in '{v}'"));
    }
    if second == 60 {
        // A leap second is only ever 23:59:60 UTC.
        let utc = (i64::from(hour * 60 + minute) - offset_minutes).rem_euclid(24 * 60);
        if utc != 23 * 60 + 59 {
            return Err(format!("second 60 (a leap second) is only valid at 23:59 UTC, in '{v}'"));
        }
    }
    Ok(())
}

fn check_email(v: &str) -> Result<(), String> {
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("'{v}' contains whitespace or control characters"));
    }
    let ats = v.matches('@').count();
    if ats == 0 {
        return Err(format!("'{v}' has no '@'"));
    }
    if ats > 1 {
        return Err(format!("'{v}' has more than one '@'"));
    }
    let (local, domain) = v.split_once('@').unwrap_or((v, ""));
    if local.is_empty() {
        return Err(format!("'{v}' has nothing before the '@'"));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(format!("the part before the '@' in '{v}' has a misplaced '.'"));
    }
    if domain.is_empty() {
        return Err(format!("'{v}' has no domain after the '@'"));
    }
    if !domain.contains('.') {
        return Err(format!("the domain of '{v}' has no '.' (like example.com)"));
    }
    if domain.split('.').any(str::is_empty) {
        return Err(format!("the domain of '{v}' has an empty label (a leading, trailing or doubled '.')"));
    }
    if let Some(bad) = domain.chars().find(|c| "()<>[]:;,\"\\".contains(*c)) {
        return Err(format!("the domain of '{v}' contains '{bad}'"));
    }
    if let Some(bad) = local.chars().find(|c| "()<>[]:;,\"\\".contains(*c)) {
        return Err(format!("the part before the '@' in '{v}' contains '{bad}'"));
    }
    Ok(())
}

/// RFC 3986 characters, with `%hh` escapes checked.
fn check_uri_chars(v: &str, rest: &str) -> Result<(), String> {
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) {
                return Err(format!("'{v}' has a '%' that is not followed by two hex digits"));
            }
            i += 3;
            continue;
        }
        let allowed = c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c);
        if !allowed {
            let ch = rest[i..].chars().next().unwrap_or('?');
            return Err(if ch == ' ' {
                format!("'{v}' contains a space, which must be percent-encoded as %20")
            } else {
                format!("'{v}' contains '{}', which must be percent-encoded in a URI", ch.escape_debug())
            });
        }
        i += 1;
    }
    Ok(())
}

fn check_uri(v: &str) -> Result<(), String> {
    let no_scheme = || format!("'{v}' is not an absolute URI: it must start with a scheme like https:");
    let Some(colon) = v.find(':') else {
        return Err(no_scheme());
    };
    let scheme = &v[..colon];
    let mut sc = scheme.chars();
    if !sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Err(no_scheme());
    }
    check_uri_chars(v, &v[colon + 1..])
}

fn check_uri_reference(v: &str) -> Result<(), String> {
    match v.chars().find(|c| c.is_whitespace() || c.is_control()) {
        Some(' ') => Err(format!("'{v}' contains a space, which must be percent-encoded as %20")),
        Some(c) => Err(format!("'{v}' contains '{}', which is not allowed in a URI reference", c.escape_debug())),
        None => Ok(()),
    }
}
