//! `datetime64` and `timedelta64` text: numpy's ISO 8601 `datetime_as_string` at the
//! dtype's unit and the `str` of a timedelta scalar.

use std::fmt::Write as _;

use crate::dtype::{DateUnit, TimeUnit};

/// numpy's `str` of a `timedelta64` scalar: `5 seconds`, `NaT`.
pub(super) fn timedelta_scalar_str(t: i64, unit: TimeUnit) -> String {
    if t == i64::MIN {
        return "NaT".to_string();
    }
    let Some(base) = unit.base else {
        return format!("{t} generic time units");
    };
    let name = match base {
        DateUnit::Years => "years",
        DateUnit::Months => "months",
        DateUnit::Weeks => "weeks",
        DateUnit::Days => "days",
        DateUnit::Hours => "hours",
        DateUnit::Minutes => "minutes",
        DateUnit::Seconds => "seconds",
        DateUnit::Millis => "milliseconds",
        DateUnit::Micros => "microseconds",
        DateUnit::Nanos => "nanoseconds",
        DateUnit::Picos => "picoseconds",
        DateUnit::Femtos => "femtoseconds",
        DateUnit::Attos => "attoseconds",
    };
    format!("{} {name}", i128::from(t) * i128::from(unit.multiplier))
}

/// numpy's `datetime_as_string` at the dtype's unit: `2020-01-01`, `2020-01-01T00:00:00`,
/// `2020-01-01T01:02:03.123456789`; years outside 0..=9999 as numpy writes them (`-001`,
/// `10000`). Generic-unit values print as their tick count.
pub(super) fn datetime_str(ticks: i64, unit: TimeUnit) -> String {
    let Some(base) = unit.base else {
        return ticks.to_string();
    };
    let v = i128::from(ticks) * i128::from(unit.multiplier);
    let year_text = |y: i128| format!("{y:04}");
    let (per_second, frac_digits): (i128, usize) = match base {
        DateUnit::Years => return year_text(1970 + v),
        DateUnit::Months => {
            let y = 1970 + v.div_euclid(12);
            return format!("{}-{:02}", year_text(y), v.rem_euclid(12) + 1);
        }
        DateUnit::Weeks => return date_text(v * 7),
        DateUnit::Days => return date_text(v),
        DateUnit::Hours => (0, 0),
        DateUnit::Minutes => (0, 0),
        DateUnit::Seconds => (1, 0),
        DateUnit::Millis => (1_000, 3),
        DateUnit::Micros => (1_000_000, 6),
        DateUnit::Nanos => (1_000_000_000, 9),
        DateUnit::Picos => (1_000_000_000_000, 12),
        DateUnit::Femtos => (1_000_000_000_000_000, 15),
        DateUnit::Attos => (1_000_000_000_000_000_000, 18),
    };
    let (per_day, fields) = match base {
        DateUnit::Hours => (24, 1),
        DateUnit::Minutes => (24 * 60, 2),
        _ => (86_400 * per_second, 3),
    };
    let days = v.div_euclid(per_day);
    let rest = v.rem_euclid(per_day);
    let mut out = date_text(days);
    let (hour, minute, second, frac) = match fields {
        1 => (rest, 0, 0, 0),
        2 => (rest / 60, rest % 60, 0, 0),
        _ => {
            let secs = rest / per_second;
            (secs / 3600, secs / 60 % 60, secs % 60, rest % per_second)
        }
    };
    let _ = write!(out, "T{hour:02}");
    if fields >= 2 {
        let _ = write!(out, ":{minute:02}");
    }
    if fields >= 3 {
        let _ = write!(out, ":{second:02}");
    }
    if frac_digits > 0 {
        let _ = write!(out, ".{frac:0frac_digits$}");
    }
    out
}

/// `YYYY-MM-DD` of a count of days since 1970-01-01 (proleptic Gregorian calendar).
fn date_text(days: i128) -> String {
    // Shift the epoch to 0000-03-01 so leap days fall at the end of a 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i128::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected texts from numpy 2.4.6: `np.datetime_as_string(np.datetime64(ticks, unit))`.
    #[test]
    fn datetimes_print_at_their_unit() {
        let unit = |base, multiplier| TimeUnit {
            base: Some(base),
            multiplier,
        };
        let table: &[(i64, DateUnit, u64, &str)] = &[
            (2609, DateUnit::Weeks, 1, "2020-01-02"),
            (600, DateUnit::Months, 1, "2020-01"),
            (50, DateUnit::Years, 1, "2020"),
            (-719_893, DateUnit::Days, 1, "-001-01-01"),
            (2_932_897, DateUnit::Days, 1, "10000-01-01"),
            (-719_468, DateUnit::Days, 1, "0000-03-01"),
            (-1, DateUnit::Hours, 1, "1969-12-31T23"),
            (15_863_794, DateUnit::Minutes, 1, "2000-02-29T12:34"),
            (1, DateUnit::Millis, 1, "1970-01-01T00:00:00.001"),
            (-1, DateUnit::Micros, 1, "1969-12-31T23:59:59.999999"),
            (1, DateUnit::Picos, 1, "1970-01-01T00:00:00.000000000001"),
            (
                1,
                DateUnit::Femtos,
                1,
                "1970-01-01T00:00:00.000000000000001",
            ),
            (
                1,
                DateUnit::Attos,
                1,
                "1970-01-01T00:00:00.000000000000000001",
            ),
            (
                i64::MAX,
                DateUnit::Nanos,
                1,
                "2262-04-11T23:47:16.854775807",
            ),
            (100, DateUnit::Seconds, 25, "1970-01-01T00:41:40"),
        ];
        for &(ticks, base, multiplier, expected) in table {
            assert_eq!(datetime_str(ticks, unit(base, multiplier)), expected);
        }
    }

    // Expected texts from numpy 2.4.6: `str(np.timedelta64(5, '25s'))` and so on.
    #[test]
    fn timedelta_scalars_print_their_unit_name() {
        let unit = |base, multiplier| TimeUnit { base, multiplier };
        let seconds = Some(DateUnit::Seconds);
        assert_eq!(timedelta_scalar_str(5, unit(seconds, 25)), "125 seconds");
        assert_eq!(
            timedelta_scalar_str(5, unit(Some(DateUnit::Weeks), 1)),
            "5 weeks"
        );
        assert_eq!(
            timedelta_scalar_str(1, unit(Some(DateUnit::Years), 1)),
            "1 years"
        );
        assert_eq!(
            timedelta_scalar_str(5, unit(None, 1)),
            "5 generic time units"
        );
        assert_eq!(timedelta_scalar_str(i64::MIN, unit(seconds, 1)), "NaT");
    }

    #[test]
    fn dates_follow_the_proleptic_gregorian_calendar() {
        assert_eq!(date_text(0), "1970-01-01");
        assert_eq!(date_text(-1), "1969-12-31");
        assert_eq!(date_text(18_262), "2020-01-01");
        assert_eq!(date_text(-719_468), "0000-03-01");
        assert_eq!(date_text(11_017), "2000-03-01");
    }
}
