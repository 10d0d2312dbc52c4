"""One event to many people: each distinct content is rendered once, each email is made by
putting the recipient's values into it (notifications.emails.NotificationEmails), and the SMTP
backend sends those bytes as they are (core.mail.SMTPBackend).

What must hold: the bytes are exactly what Django would make of the same email, whoever the
recipient; a recipient whose values cannot be put in as plain text gets an email built the usual
way; the fan-out writes the same rows as `notify`, in chunks committed one by one, and a task
killed half-way goes on where it stopped.
"""

import email.policy
import re
from email import message_from_bytes

import pytest
from django.urls import reverse

from members.models import User
from notifications import emails, services
from notifications.models import Broadcast, EmailMode, Notification, Preference
from tests.factories import FirmFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Notification.EmailStatus

CONTEXT = {"title": "Missione a Colonia", "body": "Iscrizioni aperte <fino a venerdì>"}

NAMES = [
    ("Giulia", "giulia@example.it", "it"),
    ("Jürgen & <Söhne>", "j.mueller+club@example.de", "de"),
    ("", "o'brien@example.ie", "en"),  # no first name: greeted by address
    ('Anna "Nina" Rossi', "anna_rossi@sub.example.it", "it"),
    ("Ζωή", "zoe@example.gr", "en"),
    ("x" * 150, "long@example.it", "it"),
]


def boundary_free(data: bytes) -> bytes:
    boundary = re.search(rb'boundary="([^"]+)"', data)[1]
    return data.replace(boundary, b"BOUNDARY")


def announcement(user, key="bench:1", context=CONTEXT):
    return Notification(
        recipient=user,
        kind="announcement",
        object_key=key,
        version="1",
        key=services.idempotency_key(
            recipient_id=user.pk, kind="announcement", object_key=key, version="1"
        ),
        context=context,
        url="/notifiche/",
    )


@pytest.mark.parametrize(("first_name", "address", "language"), NAMES)
def test_the_prepared_bytes_are_what_django_makes_of_the_same_email(first_name, address, language):
    user = UserFactory(first_name=first_name, email=address, language=language)
    builder = emails.NotificationEmails()
    builder.build(announcement(UserFactory(language=language)))  # the prototype comes first

    message = builder.build(announcement(user))

    assert isinstance(message, emails.PreparedEmail)
    django_bytes = message.message(policy=email.policy.SMTP).as_bytes()
    assert boundary_free(message.prepared_bytes) == boundary_free(django_bytes)
    # And it is the recipient's email, as the usual build makes it.
    usual = emails.build_notification_email(announcement(user))
    assert message.subject == usual.subject
    assert message.body == usual.body
    assert message.alternatives[0].content == usual.alternatives[0].content
    assert message.extra_headers["Message-ID"] == usual.extra_headers["Message-ID"]
    assert message.extra_headers["List-Unsubscribe"] == usual.extra_headers["List-Unsubscribe"]
    parsed = message_from_bytes(message.prepared_bytes, policy=email.policy.default)
    assert parsed["To"] == address
    html = parsed.get_body(("html",)).get_content()
    assert f"{emails.escape(first_name or address)}," in html


@pytest.mark.parametrize(
    ("first_name", "address"),
    [
        ("Riga\nspezzata", "riga@example.it"),  # a line break in the name
        ("Mario", "mario@example.it"),  # the address below is not plain ASCII
    ],
)
def test_values_that_cannot_be_put_in_as_text_get_an_email_built_the_usual_way(first_name, address):
    user = UserFactory(first_name=first_name, email=address)
    if first_name == "Mario":
        User.objects.filter(pk=user.pk).update(email="mario@exämple.it")
        user.refresh_from_db()

    message = emails.NotificationEmails().build(announcement(user))

    assert not isinstance(message, emails.PreparedEmail)
    assert message.to == [user.email]


def test_a_line_that_would_grow_too_long_gets_an_email_built_the_usual_way():
    # Names in the database are at most 150 letters (addresses 254), far from the 998-character
    # line limit with today's templates; an unsaved user of 990 letters goes over it.
    short = UserFactory(first_name="Ugo")
    long = User(pk=short.pk + 1000, email="lungo@example.it", first_name="x" * 990)
    builder = emails.NotificationEmails()

    assert isinstance(builder.build(announcement(short)), emails.PreparedEmail)
    message = builder.build(announcement(long))
    assert not isinstance(message, emails.PreparedEmail)
    assert "x" * 990 in message.body
    # Django encodes that part quoted-printable; the prepared bytes could not have said so.
    assert b"quoted-printable" in message.message(policy=email.policy.SMTP).as_bytes()


def test_a_body_too_wide_for_8bit_falls_back_to_the_usual_build():
    context = {"title": "Avviso", "body": "parola " * 200}  # one line of 1,400 characters
    message = emails.NotificationEmails().build(announcement(UserFactory(), context=context))

    assert not isinstance(message, emails.PreparedEmail)
    data = message.message(policy=email.policy.SMTP).as_bytes()
    assert b"Content-Transfer-Encoding: quoted-printable" in data


def test_each_content_is_rendered_once_per_language(django_assert_num_queries, monkeypatch):
    rendered = []
    real = emails.render_to_string
    monkeypatch.setattr(
        emails, "render_to_string", lambda name, ctx: rendered.append(name) or real(name, ctx)
    )
    users = [UserFactory(language="it") for _ in range(5)] + [UserFactory(language="de")]
    builder = emails.NotificationEmails()

    messages = [builder.build(announcement(user)) for user in users]

    assert len(rendered) == 4  # text and HTML, in Italian and in German
    assert len({m.extra_headers["Message-ID"] for m in messages}) == 6
    assert "Buongiorno" in messages[0].body
    assert "Guten Tag" in messages[-1].body or "Hallo" in messages[-1].body


def test_the_sink_receives_the_prepared_bytes_for_every_recipient(sink):
    users = [UserFactory(first_name=name or "", email=address) for name, address, _ in NAMES]
    for user in users:
        services.notify(
            recipients=[user], kind="announcement", object_key="a:1", context=CONTEXT, url="/"
        )
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))

    counts = services.notifications_send(notification_ids=ids)

    assert counts["sent"] == len(users)
    by_address = {r.to[0]: r for r in sink.received}
    assert set(by_address) == {u.email for u in users}
    for user in users:
        parsed = message_from_bytes(
            by_address[user.email].message.as_bytes(), policy=email.policy.default
        )
        text = parsed.get_body(("plain",)).get_content()
        assert (user.first_name or user.email) in text
        token = emails.unsubscribe_token(user_id=user.pk, kind="announcement")
        assert reverse("notifications:unsubscribe", args=[token]) in text
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


# --- The fan-out ---------------------------------------------------------------------------------


def test_a_broadcast_writes_the_same_rows_as_notify(settings):
    users = [UserFactory() for _ in range(4)]
    Preference.objects.create(user=users[1], kind="announcement", email=EmailMode.DIGEST)
    Preference.objects.create(user=users[2], kind="announcement", email=EmailMode.OFF)
    broadcast = Broadcast.objects.create(
        kind="announcement",
        audience="approved_firm_users",
        object_key="announcement:7",
        context=CONTEXT,
        url="/notifiche/",
    )

    services._notify_chunk(broadcast, [u.pk for u in users])
    fan_out = {
        n.recipient_id: (n.key, n.email_status, n.context, n.url, n.version)
        for n in Notification.objects.all()
    }
    Notification.objects.all().delete()
    services.notify(
        recipients=users,
        kind="announcement",
        object_key="announcement:7",
        context=CONTEXT,
        url="/notifiche/",
    )
    one_by_one = {
        n.recipient_id: (n.key, n.email_status, n.context, n.url, n.version)
        for n in Notification.objects.all()
    }

    assert fan_out == one_by_one
    assert [fan_out[u.pk][1] for u in users] == [
        Status.PENDING,
        Status.DIGEST,
        Status.SKIPPED,
        Status.PENDING,
    ]


def approved_members(count):
    users = []
    for _ in range(count):
        user = UserFactory()
        MembershipFactory(user=user, firm=FirmFactory(status="approved"))
        users.append(user)
    return users


def test_a_fan_out_killed_half_way_goes_on_where_it_stopped(
    monkeypatch, django_capture_on_commit_callbacks
):
    users = approved_members(5)
    monkeypatch.setattr(services, "CHUNK_SIZE", 2)
    broadcast = Broadcast.objects.create(kind="announcement", audience="approved_firm_users")
    real = services._notify_chunk
    calls = []

    def dies_on_the_second_chunk(b, chunk):
        calls.append(chunk)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(b, chunk)

    monkeypatch.setattr(services, "_notify_chunk", dies_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        services.broadcast_expand(broadcast_id=broadcast.pk)

    broadcast.refresh_from_db()
    assert broadcast.expanded_at is None
    assert broadcast.expanded_through == sorted(u.pk for u in users)[1]
    assert Notification.objects.count() == 2  # the first chunk was committed

    monkeypatch.setattr(services, "_notify_chunk", real)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.broadcast_expand(broadcast_id=broadcast.pk) == 3

    broadcast.refresh_from_db()
    assert broadcast.expanded_at is not None
    assert broadcast.recipients == 5
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        u.pk for u in users
    )
    # one send task per chunk, enqueued at the chunk's commit (besides the bell counts forgotten)
    assert len([c for c in callbacks if getattr(c, "func", None)]) == 2
    assert services.broadcast_expand(broadcast_id=broadcast.pk) == 0  # done: nothing more
