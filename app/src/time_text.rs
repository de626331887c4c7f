//! Times as people read them, the same on the server and in the browser: exact in UTC
//! ("2026-11-28 14:05 UTC"), exact in the reader's zone ("2026-11-28 15:05", given that
//! zone's offset at that instant), as HTML's machine-readable form, and relative to a given
//! now ("in 29 days", "3 hours ago").

/// Unix seconds as `YYYY-MM-DD HH:MM UTC`.
pub fn exact(unix: i64) -> String {
    format!("{} UTC", wall_clock(unix))
}

/// Unix seconds as the wall-clock time `YYYY-MM-DD HH:MM` of a zone that is
/// `offset_seconds` ahead of UTC at that instant.
pub fn exact_at_offset(unix: i64, offset_seconds: i64) -> String {
    wall_clock(unix + offset_seconds)
}

/// Unix seconds as a valid HTML `datetime` value: `2026-11-28T14:05:09Z`.
pub fn machine(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    let seconds = unix.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

fn wall_clock(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let seconds = unix.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        seconds / 3600,
        seconds % 3600 / 60
    )
}

/// How far `unix` is from `now`, in the largest whole unit.
pub fn relative(unix: i64, now: i64) -> String {
    let delta = unix - now;
    let span = delta.unsigned_abs();
    if span < 60 {
        return "just now".into();
    }
    let (count, unit) = match span {
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    if delta > 0 {
        format!("in {}", counted(count, unit))
    } else {
        format!("{} ago", counted(count, unit))
    }
}

/// "1 minute", "15 minutes", "1 hour", "2 hours": a length of time as a person says it
/// (whole hours when it is some, else minutes rounded up, else seconds).
pub fn duration(seconds: i64) -> String {
    let seconds = seconds.max(0).unsigned_abs();
    if seconds >= 3600 && seconds.is_multiple_of(3600) {
        counted(seconds / 3600, "hour")
    } else if seconds >= 60 {
        counted(seconds.div_ceil(60), "minute")
    } else {
        counted(seconds, "second")
    }
}

fn counted(count: u64, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_times_are_utc_dates() {
        assert_eq!(exact(0), "1970-01-01 00:00 UTC");
        assert_eq!(exact(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(exact(1_800_000_000), "2027-01-15 08:00 UTC");
    }

    #[test]
    fn local_times_move_by_the_offset_across_midnight() {
        // 2027-01-15 08:00 UTC: Brussels in winter (+1 h), Honolulu (-10 h), Kathmandu (+5:45).
        assert_eq!(exact_at_offset(1_800_000_000, 3600), "2027-01-15 09:00");
        assert_eq!(exact_at_offset(1_800_000_000, -10 * 3600), "2027-01-14 22:00");
        assert_eq!(
            exact_at_offset(1_800_000_000, 5 * 3600 + 45 * 60),
            "2027-01-15 13:45"
        );
        assert_eq!(exact_at_offset(0, 0), "1970-01-01 00:00");
    }

    #[test]
    fn machine_times_are_html_datetimes_in_utc() {
        assert_eq!(machine(0), "1970-01-01T00:00:00Z");
        assert_eq!(machine(1_800_000_009), "2027-01-15T08:00:09Z");
        assert_eq!(machine(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration(600), "10 minutes");
        assert_eq!(duration(900), "15 minutes");
        assert_eq!(duration(60), "1 minute");
        assert_eq!(duration(90), "2 minutes");
        assert_eq!(duration(3600), "1 hour");
        assert_eq!(duration(7200), "2 hours");
        assert_eq!(duration(1), "1 second");
    }

    #[test]
    fn relative_times_use_the_largest_whole_unit() {
        let now = 1_800_000_000;
        assert_eq!(relative(now + 30, now), "just now");
        assert_eq!(relative(now - 60, now), "1 minute ago");
        assert_eq!(relative(now - 7200, now), "2 hours ago");
        assert_eq!(relative(now + 30 * 86_400, now), "in 30 days");
        assert_eq!(relative(now + 86_399, now), "in 23 hours");
    }
}
