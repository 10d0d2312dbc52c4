"""The pages of missions: `missions` (missions, applications, offers, calendars) and `b2b` (the B2B
meetings of a confirmed firm). missions/urls.py points to each module."""
