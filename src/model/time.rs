//! The world's clock: parsing durations such as `36h` or `7d`, and formatting times (CLK-1).

use jiff::{SignedDuration, Timestamp};

/// Parses `90m`, `36h`, `7d`, `2w` (and combinations such as `1d12h`).
pub fn parse_duration(input: &str) -> Result<SignedDuration, String> {
    let s = input.trim().to_ascii_lowercase();
    if s.is_empty() {
        return Err("empty duration; write e.g. 36h, 7d or 30d".into());
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => {
                return Err(format!(
                    "'{input}' is not a duration; write e.g. 36h, 7d or 30d"
                ));
            }
        };
        let n: i64 = digits
            .parse()
            .map_err(|_| format!("'{input}' is not a duration; write e.g. 36h, 7d or 30d"))?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or("duration too large")?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(format!("'{input}' has no unit; write e.g. 36h, 7d or 30d"));
    }
    if total > 3650 * 86_400 {
        return Err("at most ten years at a time".into());
    }
    Ok(SignedDuration::from_secs(total))
}

/// `t + d`, or the last representable instant when that is past it: a lifetime set very long
/// (a setting) means "never expires", not a crash.
pub fn later(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.checked_add(d).unwrap_or(Timestamp::MAX)
}

pub fn days(n: u32) -> SignedDuration {
    SignedDuration::from_hours(24 * i64::from(n))
}

pub fn hours(n: u32) -> SignedDuration {
    SignedDuration::from_hours(i64::from(n))
}

/// `2026-03-01 09:00 UTC`
pub fn format_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// `2026-03-01`
pub fn format_date(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

/// Whole days left until `deadline`, rounded up, never negative.
pub fn days_left(now: Timestamp, deadline: Timestamp) -> i64 {
    let secs = deadline.as_second() - now.as_second();
    if secs <= 0 {
        0
    } else {
        (secs + 86_399) / 86_400
    }
}

/// The default name of a subaccount created without one (SUB-3).
pub fn default_subaccount_name(now: Timestamp) -> String {
    let dt = now.to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let hour = dt.hour();
    let (h12, ampm) = match hour {
        0 => (12, "am"),
        1..=11 => (hour, "am"),
        12 => (12, "pm"),
        _ => (hour - 12, "pm"),
    };
    format!(
        "SubAccount Created at {} {:02}:{:02} {}",
        dt.strftime("%Y-%m-%d"),
        h12,
        dt.minute(),
        ampm
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(
            parse_duration("36h").unwrap(),
            SignedDuration::from_hours(36)
        );
        assert_eq!(
            parse_duration("7d").unwrap(),
            SignedDuration::from_hours(168)
        );
        assert_eq!(
            parse_duration("1d12h").unwrap(),
            SignedDuration::from_hours(36)
        );
        assert!(parse_duration("7").is_err());
        assert!(parse_duration("x").is_err());
    }

    #[test]
    fn days_left_rounds_up() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(days_left(now, now + days(30)), 30);
        assert_eq!(days_left(now, now + hours(1)), 1);
        assert_eq!(days_left(now + days(31), now), 0);
    }
}
