# English, as read in Europe: Django's "en" is American ("Dec. 25, 2026", "12/25/2026", "3 p.m."),
# which an Italian or German business reader misreads (12/03 is March, not December). The
# portal writes British day-month order and a 24-hour clock.
DATE_FORMAT = "j F Y"  # 25 December 2026
DATETIME_FORMAT = "j F Y, H:i"  # 25 December 2026, 14:30
TIME_FORMAT = "H:i"  # 14:30
SHORT_DATE_FORMAT = "d/m/Y"  # 25/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 25/12/2026 14:30
MONTH_DAY_FORMAT = "j F"  # 25 December

# core.dates
DAY_HEADING_FORMAT = "l j F Y"  # Friday 25 December 2026
RANGE_DAY_FORMAT = "j"  # the first day of "3–5 March 2027"
