"""The portal's date formats per language (settings.FORMAT_MODULE_PATH).

Each `<lang>/formats.py` overrides only what Django's own locale gets wrong for this portal's
readers, and adds the names `core.dates` uses (DAY_HEADING_FORMAT, RANGE_DAY_FORMAT): Django's
`get_format` knows only its own names, so these are read from the same modules by
`core.dates.custom_format`. Templates never hard-code a day-month-year format
(tests/core/test_date_formats.py): they use the `date` filter without an argument, a named format
("SHORT_DATE_FORMAT") or the `dates` tags.
"""
