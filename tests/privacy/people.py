"""Zebedeo, who used every part of the portal, and the helpers the privacy tests share."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from board import services as board_services
from board.models import Comment, Follow, MentorshipRequest, Post, Report, Tag
from members import consents, services
from members import notification_kinds as kinds
from members.models import DataRequest, Firm, Invitation, Membership, User
from missions.models import Application, Interest, Meeting, MeetingRequest, Partner, Question
from notifications.models import Preference
from notifications.services import email_queue, notify
from tests.factories import (
    FirmFactory,
    MembershipFactory,
    MissionFactory,
    UserFactory,
    city,
    image_bytes,
    member,
    pdf_bytes,
    sector,
    upload,
)

EMAIL = "Zebedeo.Quintavalle@example.it"
FIRST, LAST = "Zebedeo", "Quintavalle"


def populate(user: User, firm: Firm, n: int, tag_prefix: str) -> None:
    """`n` of every kind of row about `user` and their firm."""
    mentor_firm = member(is_mentor=True).membership.firm
    other_post = Post.objects.create(
        kind="question",
        title="Domanda di un altro socio",
        body="Testo",
        body_html="<p>Testo</p>",
        author=mentor_firm.memberships.get().user,
        author_firm=mentor_firm,
    )
    for i in range(n):
        mission = MissionFactory()
        question = Question.objects.create(mission=mission, label=f"Obiettivo {i}")
        Application.objects.create(
            mission=mission,
            firm=firm,
            applied_by=user,
            note="Portiamo i campioni",
            answers={str(question.pk): f"Risposta {i}"},
        )
        partner = Partner.objects.create(
            name=f"Partner {tag_prefix} {i} GmbH", kind=Partner.Kind.BUYER, city=city()
        )
        request = MeetingRequest.objects.create(
            mission=mission,
            firm=firm,
            partner=partner,
            requested_by=user,
            status="accepted",
            reason="Distribuzione in Baviera",
        )
        Meeting.objects.create(
            request=request,
            mission=mission,
            firm=firm,
            partner=partner,
            outcome=Meeting.Outcome.ORDER,
            outcome_note="Primo ordine firmato",
        )
        Interest.objects.create(mission=mission, firm=firm, user=user)
        post = Post.objects.create(
            kind="question",
            title=f"Domanda {i}",
            body="Come spedire campioni?",
            body_html="<p>Come spedire campioni?</p>",
            author=user,
            author_firm=firm,
        )
        Comment.objects.create(
            post=other_post,
            author=user,
            author_firm=firm,
            body=f"Commento {i}",
            body_html=f"<p>Commento {i}</p>",
        )
        tag = Tag.objects.create(
            kind="topic", name=f"Tema {tag_prefix} {i}", slug=f"{tag_prefix}-{i}"
        )
        Follow.objects.create(user=user, tag=tag)
        Report.objects.create(post=post, reporter=user, reason="Duplicato")
        MentorshipRequest.objects.create(
            requester=firm,
            requested_by=user,
            mentor=mentor_firm,
            topic=f"Dogana {i}",
            message="Ci aiutate?",
            status="declined",
        )
        notify(
            recipients=[user],
            kind=kinds.FIRM_APPROVED.slug,
            object_key=f"{tag_prefix}:{i}",
            context={"firm": firm.name},
        )
        colleague = UserFactory()
        MembershipFactory(user=colleague, firm=firm, role=Membership.Role.MEMBER)
        Invitation.objects.create(firm=firm, email=f"{tag_prefix}-{i}@example.it", invited_by=user)
    Preference.objects.create(user=user, kind=kinds.FIRM_APPROVED.slug, email="digest")
    consents.record_signup_consents(user)


def make_zebedeo() -> User:
    """Zebedeo asked to join a firm, then registered his own, and used every part of the portal.

    Real services where they copy his name elsewhere (the join request notifies the other
    firm's owner with his name); plain rows for the rest.
    """
    user = UserFactory(
        email=EMAIL,
        first_name=FIRST,
        last_name=LAST,
        directory_consent=True,
        newsletter_consent=True,
        terms_accepted_at=timezone.now(),
        terms_version="2026-11",
    )
    other_firm = member().membership.firm
    services.join_request_create(user=user, firm=other_firm, message="Sono il cugino di Piero")
    firm = services.firm_create(
        user=user,
        data={
            "name": "Segheria Val Gerola S.r.l.",
            "vat_number": FirmFactory.build().vat_number,
            "ateco_code": "16.10.00",
            "sector": sector(),
            "comune": "Sondrio",
        },
    )
    Firm.objects.filter(pk=firm.pk).update(status=Firm.Status.APPROVED)
    firm.refresh_from_db()
    # A change made by him through the portal: the history table records him as its author.
    firm.description = "Legname da costruzione"
    firm._history_user = user
    firm.save()
    services.invitation_create(
        firm=other_firm, email=EMAIL, role="member", invited_by=other_firm.memberships.get().user
    )
    populate(user, firm, 1, "z")
    # A file he attached: its original name carries his name (and the file, his CV).
    board_services.post_create(
        author=user,
        kind="question",
        title="Cerco un agente",
        body="Allego il profilo",
        tags=[],
        files=[upload(f"CV {FIRST} {LAST}.pdf", pdf_bytes(f"{FIRST} {LAST}"))],
    )
    services.firm_logo_set(firm_id=firm.pk, upload=upload("logo.png", image_bytes()))
    # Staff edited his account in the admin: the log keeps his name as the object's label.
    LogEntry.objects.log_actions(
        user_id=UserFactory(is_staff=True).pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["newsletter_consent"]}}],
        single_object=True,
    )
    DataRequest.objects.create(
        user=user, email_snapshot=EMAIL, kind="rectification", note=f"Il cognome è {LAST}"
    )
    # He asked for a password reset a moment ago: the email waits in the outbox for a worker.
    email_queue(message=EmailMultiAlternatives(f"Per {FIRST}", f"Ciao {FIRST}", to=[EMAIL]))
    return user
