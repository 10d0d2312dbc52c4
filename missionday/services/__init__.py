"""The mission day's writes, one module per part of the day."""
