# Italian. Django's own "d F Y" writes "03 marzo 2027" and its DATETIME_FORMAT starts with the
# weekday: Italian prose writes "3 marzo 2027" and "3 marzo 2027, 14:30".
DATE_FORMAT = "j F Y"  # 25 dicembre 2026
DATETIME_FORMAT = "j F Y, H:i"  # 25 dicembre 2026, 14:30
SHORT_DATE_FORMAT = "d/m/Y"  # 25/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 25/12/2026 14:30
MONTH_DAY_FORMAT = "j F"  # 25 dicembre

# core.dates
DAY_HEADING_FORMAT = "l j F Y"  # venerdì 25 dicembre 2026
RANGE_DAY_FORMAT = "j"  # the first day of "3–5 marzo 2027"
