from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The Club dashboard for Camera staff: figures, SVG charts and CSV exports."""

    name = "staff"
