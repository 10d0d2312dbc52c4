# German. Django's own formats are the usual ones ("25. Dezember 2026"); repeated here so the
# portal's choice is in one place.
DATE_FORMAT = "j. F Y"  # 25. Dezember 2026
DATETIME_FORMAT = "j. F Y, H:i"  # 25. Dezember 2026, 14:30
SHORT_DATE_FORMAT = "d.m.Y"  # 25.12.2026
SHORT_DATETIME_FORMAT = "d.m.Y H:i"  # 25.12.2026 14:30
MONTH_DAY_FORMAT = "j. F"  # 25. Dezember

# core.dates
DAY_HEADING_FORMAT = "l, j. F Y"  # Freitag, 25. Dezember 2026
RANGE_DAY_FORMAT = "j."  # the first day of "3.–5. März 2027"
