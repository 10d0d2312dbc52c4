"""The base of every domain error: what a service raises when a rule says no."""


class DomainError(Exception):
    """A rule refused the change; views show the message as a form error or a message.

    Services raise subclasses (`MissionFull`, `SlotTaken`, ...) and never build responses.
    """
