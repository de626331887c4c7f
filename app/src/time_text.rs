//! Times as people read them, the same on the server and in the browser, in the reader's
//! language: exact in UTC ("2026-11-28 14:05 UTC"), exact in the reader's zone
//! ("2026-11-28 15:05" in English, "28/11/2026 15:05" in Dutch and French, given that
//! zone's offset at that instant), as HTML's machine-readable form, and relative to a
//! given now ("in 29 days", "3 hours ago").

use crate::i18n::Lang;

/// Unix seconds as `YYYY-MM-DD HH:MM UTC` (or `DD/MM/YYYY HH:MM UTC`).
pub fn exact(lang: Lang, unix: i64) -> String {
    format!("{} UTC", wall_clock(lang, unix))
}

/// Unix seconds as the wall-clock time of a zone that is `offset_seconds` ahead of UTC
/// at that instant.
pub fn exact_at_offset(lang: Lang, unix: i64, offset_seconds: i64) -> String {
    wall_clock(lang, unix + offset_seconds)
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

fn wall_clock(lang: Lang, unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let seconds = unix.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute) = (seconds / 3600, seconds % 3600 / 60);
    if lang.texts().time.day_first {
        format!("{day:02}/{month:02}/{year:04} {hour:02}:{minute:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}")
    }
}

/// How far `unix` is from `now`, in the largest whole unit.
pub fn relative(lang: Lang, unix: i64, now: i64) -> String {
    let time = &lang.texts().time;
    let delta = unix - now;
    let span = delta.unsigned_abs();
    if span < 60 {
        return time.just_now.into();
    }
    let (count, unit) = match span {
        s if s < 3600 => (s / 60, time.minute),
        s if s < 86_400 => (s / 3600, time.hour),
        s => (s / 86_400, time.day),
    };
    let counted = counted(lang, count, unit);
    if delta > 0 {
        (time.ahead)(&counted)
    } else {
        (time.ago)(&counted)
    }
}

/// "1 minute", "15 minutes", "1 hour", "2 hours": a length of time as a person says it
/// (whole hours when it is some, else minutes rounded up, else seconds).
pub fn duration(lang: Lang, seconds: i64) -> String {
    let time = &lang.texts().time;
    let seconds = seconds.max(0).unsigned_abs();
    if seconds >= 3600 && seconds.is_multiple_of(3600) {
        counted(lang, seconds / 3600, time.hour)
    } else if seconds >= 60 {
        counted(lang, seconds.div_ceil(60), time.minute)
    } else {
        counted(lang, seconds, time.second)
    }
}

/// `count` and the unit's singular or plural, as the language wants.
fn counted(lang: Lang, count: u64, (one, many): (&str, &str)) -> String {
    let unit = if (lang.texts().time.singular)(count) {
        one
    } else {
        many
    };
    format!("{count} {unit}")
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
        assert_eq!(exact(Lang::En, 0), "1970-01-01 00:00 UTC");
        assert_eq!(exact(Lang::En, 951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(exact(Lang::En, 1_800_000_000), "2027-01-15 08:00 UTC");
        assert_eq!(exact(Lang::Nl, 1_800_000_000), "15/01/2027 08:00 UTC");
    }

    #[test]
    fn local_times_move_by_the_offset_across_midnight() {
        // 2027-01-15 08:00 UTC: Brussels in winter (+1 h), Honolulu (-10 h), Kathmandu (+5:45).
        assert_eq!(exact_at_offset(Lang::En, 1_800_000_000, 3600), "2027-01-15 09:00");
        assert_eq!(
            exact_at_offset(Lang::En, 1_800_000_000, -10 * 3600),
            "2027-01-14 22:00"
        );
        assert_eq!(
            exact_at_offset(Lang::En, 1_800_000_000, 5 * 3600 + 45 * 60),
            "2027-01-15 13:45"
        );
        assert_eq!(exact_at_offset(Lang::En, 0, 0), "1970-01-01 00:00");
    }

    #[test]
    fn dutch_and_french_write_the_day_first() {
        assert_eq!(exact_at_offset(Lang::Nl, 1_800_000_000, 3600), "15/01/2027 09:00");
        assert_eq!(
            exact_at_offset(Lang::Fr, 1_800_000_000, -10 * 3600),
            "14/01/2027 22:00"
        );
    }

    #[test]
    fn machine_times_are_html_datetimes_in_utc() {
        assert_eq!(machine(0), "1970-01-01T00:00:00Z");
        assert_eq!(machine(1_800_000_009), "2027-01-15T08:00:09Z");
        assert_eq!(machine(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn durations_read_as_people_say_them() {
        let en = |s| duration(Lang::En, s);
        assert_eq!(en(600), "10 minutes");
        assert_eq!(en(900), "15 minutes");
        assert_eq!(en(60), "1 minute");
        assert_eq!(en(90), "2 minutes");
        assert_eq!(en(3600), "1 hour");
        assert_eq!(en(7200), "2 hours");
        assert_eq!(en(1), "1 second");
        assert_eq!(duration(Lang::Nl, 7200), "2 uur");
        assert_eq!(duration(Lang::Nl, 600), "10 minuten");
        assert_eq!(duration(Lang::Nl, 60), "1 minuut");
        assert_eq!(duration(Lang::Fr, 3600), "1 heure");
        assert_eq!(duration(Lang::Fr, 30), "30 secondes");
        // French counts zero in the singular.
        assert_eq!(duration(Lang::Fr, 0), "0 seconde");
        assert_eq!(duration(Lang::En, 0), "0 seconds");
    }

    #[test]
    fn relative_times_use_the_largest_whole_unit() {
        let now = 1_800_000_000;
        let en = |at| relative(Lang::En, at, now);
        assert_eq!(en(now + 30), "just now");
        assert_eq!(en(now - 60), "1 minute ago");
        assert_eq!(en(now - 7200), "2 hours ago");
        assert_eq!(en(now + 30 * 86_400), "in 30 days");
        assert_eq!(en(now + 86_399), "in 23 hours");
        assert_eq!(relative(Lang::Nl, now - 7200, now), "2 uur geleden");
        assert_eq!(relative(Lang::Nl, now + 3 * 86_400, now), "over 3 dagen");
        assert_eq!(relative(Lang::Fr, now - 60, now), "il y a 1 minute");
        assert_eq!(relative(Lang::Fr, now + 30 * 86_400, now), "dans 30 jours");
    }
}
