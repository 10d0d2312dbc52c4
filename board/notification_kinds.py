"""The notifications of the board (posts, replies) and of mentoring.

Imported from BoardConfig.ready, which registers them with notifications.registry. The texts are
Italian msgids (see the registry's docstring for the placeholders).
"""

from django.utils.translation import gettext_lazy as _

from notifications.registry import Kind, register_group, register_kind

BOARD_NEW_POST = register_kind(
    Kind(
        "board_new_post",
        _("Nuovi post su ciò che segui"),
        _("Nuovo in bacheca: %(title)s"),
        # `in_topics` is " (Fiere, Logistica)", or nothing for a post without topics (issue 16:
        # a mentor's post followed through the firm read "(—)").
        _("%(author)s ha pubblicato «%(title)s»%(in_topics)s."),
        default_email="digest",
    )
)


def in_topics(names: list[str]) -> str:
    """The `in_topics` of BOARD_NEW_POST: " (Fiere, Logistica)", or "" without topics."""
    return f" ({', '.join(names)})" if names else ""


BOARD_REPLY = register_kind(
    Kind(
        "board_reply",
        _("Risposte ai tuoi post e commenti"),
        _("Nuova risposta a «%(title)s»"),
        _("%(author)s ha risposto: %(excerpt)s"),
    )
)
BOARD_FOLLOWED_REPLY = register_kind(
    Kind(
        "board_followed_reply",
        _("Nuovi commenti nei post che segui"),
        _("Nuovo commento a «%(title)s»"),
        _("%(author)s ha commentato: %(excerpt)s"),
        default_email="digest",
    )
)
MENTORSHIP_REQUESTED = register_kind(
    Kind(
        "mentorship_requested",
        _("Richieste di affiancamento ricevute"),
        _("%(firm)s chiede il vostro affiancamento"),
        _("%(firm)s vi chiede aiuto su: %(topic)s."),
    )
)
MENTORSHIP_ACCEPTED = register_kind(
    Kind(
        "mentorship_accepted",
        _("Affiancamenti accettati"),
        _("%(mentor)s ha accettato di affiancarvi"),
        _("%(mentor)s ha accettato la richiesta su «%(topic)s»: ora vedete i rispettivi contatti."),
    )
)
MENTORSHIP_DECLINED = register_kind(
    Kind(
        "mentorship_declined",
        _("Affiancamenti non accettati"),
        _("%(mentor)s non può affiancarvi ora"),
        _("%(mentor)s non può accettare la richiesta su «%(topic)s». Prova con un altro mentore."),
    )
)

register_group("board", _("Bacheca"), [BOARD_NEW_POST, BOARD_REPLY, BOARD_FOLLOWED_REPLY])
register_group(
    "mentoring",
    _("Affiancamento"),
    [MENTORSHIP_REQUESTED, MENTORSHIP_ACCEPTED, MENTORSHIP_DECLINED],
)
