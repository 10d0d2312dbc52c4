"""The admin of missions, in its two contexts; importing the modules registers their ModelAdmins."""

from missions.admin import b2b, missions

__all__ = ["b2b", "missions"]
