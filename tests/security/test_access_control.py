"""Every URL that takes an object id, requested by people who must not reach that object.

The test walks the URL resolver: a new URL with an id and no entry in OBJECTS fails CI, so
nobody can add one without deciding who may reach it.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.urls.converters import IntConverter
from django.utils import timezone

from board import services as board_services
from board.models import Attachment, Comment, MentorshipRequest, Post
from checkup import services as checkup_services
from checkup.models import Answer, CheckUp
from members import services as members_services
from members.models import Firm
from missions.models import Meeting, MeetingRequest, MissionPartner, Partner
from notifications.models import Notification
from notifications.services import notify
from partners.models import CoOrganiserMember, PartnerContact, PartnerInvitation
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MissionFactory,
    ProgrammeItemFactory,
    StaffFactory,
    UserFactory,
    city,
    image_bytes,
    member,
    pdf_bytes,
    sector,
    stored_files,
    upload,
)
from tests.partners.support import bring, co_organiser_with_member, partner_on_mission
from tests.support.clients import login
from tests.support.urls import portal_patterns

pytestmark = pytest.mark.django_db


def id_urls() -> list[tuple[str, list[str]]]:
    """(namespace:name, [int kwargs]) for every portal URL with an integer parameter, in every
    app (a new app's URLs are walked too, with no list of apps to update)."""
    found = []
    for name, pattern in portal_patterns():
        ints = [k for k, c in pattern.pattern.converters.items() if isinstance(c, IntConverter)]
        if ints:
            found.append((name, ints))
    return found


@pytest.fixture
def world():
    """Objects of firm A that others must not reach."""
    owner_a = member(name="Impresa A")
    firm_a = owner_a.membership.firm
    pending_firm = FirmFactory(status=Firm.Status.PENDING)
    members_services.firm_logo_set(firm_id=pending_firm.pk, upload=upload("l.png", image_bytes()))
    draft = MissionFactory(status="draft")
    # Others are not confirmed on it; its agendas are published (they stay 404 to others).
    mission = MissionFactory(agenda_published_at=timezone.now())
    application = ApplicationFactory(mission=mission, firm=firm_a)
    partner = Partner.objects.create(name="P", kind="buyer", city=city("koeln"))
    request = MeetingRequest.objects.create(mission=mission, firm=firm_a, partner=partner)
    meeting = Meeting.objects.create(request=request, mission=mission, firm=firm_a, partner=partner)
    # The partner's contact was invited to the mission: only they reach its workspace pages.
    MissionPartner.objects.create(mission=mission, partner=partner)
    contact = PartnerContact.objects.create(
        user=UserFactory(email="kontakt@partner-a.de"), partner=partner
    )
    PartnerInvitation.objects.create(contact=contact, mission=mission)
    # The partner is AHK Köln's, on a mission assigned to it: only its members reach them.
    co_organiser, _member = co_organiser_with_member(missions=[mission])
    bring(co_organiser, partner)
    post = board_services.post_create(
        author=owner_a,
        kind="question",
        title="t",
        body="b",
        tags=[],
        files=[upload("listino.pdf", pdf_bytes())],
    )
    attachment = Attachment.objects.get()
    comment = board_services.comment_create(post=post, author=owner_a, body="c")
    Post.objects.filter(pk=post.pk).update(is_hidden=True)
    notify(
        recipients=[owner_a],
        kind="announcement",
        object_key="x",
        context={"title": "t", "body": "b"},
    )
    mentor_a = FirmFactory(is_mentor=True, sector=sector("lapideo"))
    mentorship = MentorshipRequest.objects.create(
        requester=firm_a, mentor=mentor_a, topic="t", message="m"
    )
    # Firm A's check-ups: one completed, one in progress.
    done = checkup_services.checkup_start(firm=firm_a, user=owner_a)
    checkup_services.checkup_complete(checkup_id=done.pk)
    open_checkup = checkup_services.checkup_start(firm=firm_a, user=owner_a)
    b2b_session = ProgrammeItemFactory(mission=mission)  # the live board's (staff only)
    return {
        "checkup:result": {"checkup_id": done.pk},
        "checkup:step": {"checkup_id": open_checkup.pk, "step": 1},
        "members:firm_detail": {"firm_id": pending_firm.pk},
        "members:firm_logo": {"firm_id": pending_firm.pk},
        "missions:detail": {"mission_id": draft.pk},
        "missions:apply": {"mission_id": draft.pk},
        "missions:interest": {"mission_id": draft.pk},
        "missions:ics": {"mission_id": draft.pk},
        "missions:withdraw": {"application_id": application.pk},
        "missions:offer": {"application_id": application.pk},
        "missions:b2b": {"mission_id": mission.pk},
        "missions:meeting_request": {"mission_id": mission.pk},
        "missions:meeting_request_cancel": {"request_id": request.pk},
        "missions:wish_answer": {"request_id": request.pk},
        "missions:meeting_outcome": {"meeting_id": meeting.pk},
        "missions:agenda": {"mission_id": mission.pk},
        "missions:agenda_pdf": {"mission_id": mission.pk},
        "missions:agenda_ics": {"mission_id": mission.pk},
        "notifications:mark_read": {"notification_id": Notification.objects.get().pk},
        "board:detail": {"post_id": post.pk},
        "board:edit": {"post_id": post.pk},
        "board:delete": {"post_id": post.pk},
        "board:comment": {"post_id": post.pk},
        "board:answered": {"post_id": post.pk},
        "board:report": {"post_id": post.pk},
        # A hidden post's file: only its author and staff may download or remove it.
        "board:attachment": {"post_id": post.pk, "attachment_id": attachment.pk},
        "board:attachment_remove": {"post_id": post.pk, "attachment_id": attachment.pk},
        "board:comment_edit": {"comment_id": comment.pk},
        "board:comment_delete": {"comment_id": comment.pk},
        "board:mentorship_request": {"firm_id": FirmFactory(is_mentor=False).pk},
        "board:mentorship_decide": {"request_id": mentorship.pk},
        "partners:mission": {"mission_id": mission.pk},
        "partners:attendance": {"mission_id": mission.pk},
        "partners:slots": {"mission_id": mission.pk},
        "partners:firms": {"mission_id": mission.pk},
        "partners:meeting_request": {"mission_id": mission.pk, "firm_id": firm_a.pk},
        "partners:request_answer": {"mission_id": mission.pk, "request_id": request.pk},
        "partners:agenda": {"mission_id": mission.pk},
        "partners:agenda_pdf": {"mission_id": mission.pk},
        "partners:agenda_ics": {"mission_id": mission.pk},
        "partners:meeting_cancel": {"mission_id": mission.pk, "request_id": request.pk},
        "partners:meeting_feedback": {"mission_id": mission.pk, "meeting_id": meeting.pk},
        "partners:co_mission": {"mission_id": mission.pk},
        "partners:co_invite": {"mission_id": mission.pk},
        "partners:co_partner_add": {"mission_id": mission.pk},
        "partners:co_partner": {"mission_id": mission.pk, "partner_id": partner.pk},
        "partners:co_partner_profile": {"partner_id": partner.pk},
        "missionday:board": {"mission_id": mission.pk},
        "missionday:board_session": {"mission_id": mission.pk, "session_id": b2b_session.pk},
        "missionday:board_state": {"mission_id": mission.pk, "session_id": b2b_session.pk},
        "missionday:board_no_show": {"mission_id": mission.pk, "session_id": b2b_session.pk},
        "missionday:board_assign": {"mission_id": mission.pk, "session_id": b2b_session.pk},
        # Staff check people in: firms, partners and co-organisers get 403.
        "missionday:checkin": {"mission_id": mission.pk},
        "missionday:checkin_sync": {"mission_id": mission.pk},
        "missionday:checkin_people": {"mission_id": mission.pk},
        "missionday:checkin_sw": {"mission_id": mission.pk},
        # Mission day, badges: staff print the sheet, a holder sees their own badge, a firm's
        # owners name its delegates (only firm A's, on its confirmed application).
        "missionday:badges": {"mission_id": mission.pk},
        "missionday:my_badge": {"mission_id": mission.pk},
        "missionday:delegates": {"mission_id": mission.pk},
        # Firm A's delegate checked in: their certificate is theirs alone (the URL is the
        # holder's own; anyone else gets 404, anonymous the sign-in page).
        "missionday:certificate": {"mission_id": _checked_in_delegate(mission, owner_a)},
        # Staff only: the mission's survey comments.
        "staff_dashboard:survey": {"mission_id": mission.pk},
        # The mission day's companion: only a badge holder of the mission (404 for others).
        "missionday:companion": {"mission_id": mission.pk},
        "missionday:debrief_sync": {"mission_id": mission.pk},
    }


def _checked_in_delegate(mission, user) -> int:
    import uuid

    from missionday.models import CheckIn, DayPass

    day_pass = DayPass.objects.create(
        mission=mission, kind="delegate", user=user, firm=user.membership.firm, full_name="A"
    )
    CheckIn.objects.create(
        day_pass=day_pass,
        day=mission.start_date,
        client_id=uuid.uuid4(),
        checked_in_at=timezone.now(),
    )
    return mission.pk


def test_every_url_with_an_id_has_an_entry(world):
    missing = sorted(name for name, _kwargs in id_urls() if name not in world)
    assert missing == [], f"add these URLs to OBJECTS in {__file__}: {missing}"


def _other_partners_contact():
    """A contact of another German partner, invited to a mission of its own."""
    other = Partner.objects.create(name="Andere GmbH", kind="buyer", city=city("koeln"))
    own_mission = MissionFactory()
    MissionPartner.objects.create(mission=own_mission, partner=other)
    contact = PartnerContact.objects.create(user=UserFactory(), partner=other)
    PartnerInvitation.objects.create(contact=contact, mission=own_mission)
    return contact.user


def _other_co_organisers_member():
    """A member of another co-organiser, with a mission and a partner of its own."""
    mission, partner, _ = partner_on_mission("Fremd AG")
    co_organiser, user = co_organiser_with_member(
        name="IHK Dortmund", email="berater@ihk-dortmund.example", missions=[mission]
    )
    bring(co_organiser, partner)
    return user


@pytest.mark.parametrize(
    "who", ["other_firm", "pending_firm", "other_partner", "other_co_organiser", "anonymous"]
)
def test_others_cannot_reach_objects_of_firm_a(world, who):
    if who == "other_partner":
        client = login(_other_partners_contact())
    elif who == "other_co_organiser":
        client = login(_other_co_organisers_member())
    elif who == "other_firm":
        client = login(member(name="Impresa B", sector=sector("lapideo")))
    elif who == "pending_firm":
        client = login(member(status=Firm.Status.PENDING))
    else:
        client = Client()
    login_page, my_firm = reverse("account_login"), reverse("my_firm")
    partner_sign_in = reverse("partners:signin_request")
    leaks = []
    for name, kwargs in world.items():
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(
                url,
                {
                    "answer": "yes",
                    "body": "x",
                    "reason": "x",
                    "outcome": "order",
                    "comment": "1",
                    "topic": "x",
                    "message": "x",
                    "delegates": 1,
                    "partner": world["partners:co_partner"]["partner_id"],
                    "email": "x@example.de",
                    "name": "Neue GmbH",
                    "kind": "buyer",
                    "city": city("koeln").pk,
                    "products_sought": "x",
                },
            )
            location = response.get("Location", "")
            allowed = response.status_code in (403, 404, 405) or (
                response.status_code == 302
                and (location.startswith((login_page, partner_sign_in)) or location == my_firm)
            )
            if not allowed:
                leaks.append((who, method, url, response.status_code, location))
    assert leaks == []
    # Nothing was written for them either: no partner added, no contact invited.
    assert not Partner.objects.filter(name="Neue GmbH").exists()
    assert not PartnerContact.objects.filter(user__email="x@example.de").exists()


def test_objects_are_unchanged_after_the_attempts(world, media_root):
    client = login(member(name="Impresa C"))
    files = stored_files(media_root)
    for name, kwargs in world.items():
        client.post(reverse(name, kwargs=kwargs), {"answer": "yes", "outcome": "order"})
    assert Attachment.objects.count() == 1
    assert Firm.objects.get(pk=world["members:firm_logo"]["firm_id"]).logo
    assert stored_files(media_root) == files
    assert Meeting.objects.get().outcome == ""
    assert MentorshipRequest.objects.get().status == "pending"
    assert Post.objects.filter(is_hidden=True).count() == 1
    assert Comment.objects.count() == 1
    assert Notification.objects.get().read_at is None
    assert MissionPartner.objects.get().attendance == ""
    assert MeetingRequest.objects.get().status == "requested"
    assert Meeting.objects.count() == 1
    assert not Answer.objects.exists()
    assert CheckUp.objects.filter(completed_at__isnull=True).count() == 1


def test_the_co_organisers_member_reaches_their_pages(world):
    # The owner of the co-organiser pages: every one of them opens (the others above cannot).
    client = login(CoOrganiserMember.objects.get().user)
    co_pages = [name for name in world if name.startswith("partners:co_")]
    statuses = {
        name: client.get(reverse(name, kwargs=world[name])).status_code for name in co_pages
    }
    assert statuses == {name: 405 if name == "partners:co_invite" else 200 for name in co_pages}


def test_staff_reach_what_firms_cannot(world):
    client = login(StaffFactory())
    assert (
        client.get(reverse("missions:detail", kwargs=world["missions:detail"])).status_code == 200
    )
    assert client.get(reverse("board:detail", kwargs=world["board:detail"])).status_code == 200
    logo = client.get(reverse("members:firm_logo", kwargs=world["members:firm_logo"]))
    assert logo.status_code == 200
    download = client.get(reverse("board:attachment", kwargs=world["board:attachment"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
