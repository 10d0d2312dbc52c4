"""Co-organisers (issue 17): an intermediary's members manage only their own partners on the
missions staff assigned to them; nothing else is visible to them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.models import Meeting, MeetingRequest, MissionPartner, Partner
from notifications.models import OutgoingEmail
from partners import co_organisers, services
from partners.models import (
    CoOrganiser,
    CoOrganiserMember,
    CoOrganiserPartner,
    PartnerContact,
    PartnerInvitation,
)
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    StaffFactory,
    UserFactory,
    city,
    member,
)
from tests.partners.support import bring, co_organiser_with_member, invite, partner_on_mission
from tests.support.clients import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def co():
    """AHK Köln on a mission with its partner; another chamber's partner on the same mission."""
    mission, partner, mission_partner = partner_on_mission("Rhein Naturstein GmbH")
    co_organiser, user = co_organiser_with_member(missions=[mission])
    bring(co_organiser, partner)
    _m, foreign, _mp = partner_on_mission("Fremd AG", mission=mission)
    return {
        "mission": mission,
        "partner": partner,
        "mission_partner": mission_partner,
        "foreign": foreign,
        "co_organiser": co_organiser,
        "user": user,
        "client": login(user),
    }


# --- What they see ------------------------------------------------------------------------------


def test_the_home_lists_only_the_assigned_missions_and_opens_in_their_language(co):
    not_assigned = MissionFactory(title="Missione altrui")
    response = co["client"].get(reverse("partners:co_home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert co["mission"].title in page
    assert not_assigned.title not in page
    assert response.cookies["django_language"].value == "de"
    assert '<html lang="de"' in page


def test_the_mission_page_lists_their_partners_with_attendance_and_no_one_elses(co):
    MissionPartner.objects.filter(pk=co["mission_partner"].pk).update(attendance="confirmed")
    response = co["client"].get(reverse("partners:co_mission", args=[co["mission"].pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rhein Naturstein GmbH" in page
    assert "Partecipa" in page or "Nimmt teil" in page
    assert "Fremd AG" not in page


def test_login_lands_a_member_in_their_area():
    _co, user = co_organiser_with_member()
    response = login(user).get(reverse("my_firm"))
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:co_home")


# --- Inviting a contact -------------------------------------------------------------------------


def test_a_member_invites_a_contact_of_their_partner(
    co, django_capture_on_commit_callbacks, mailoutbox, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        response = co["client"].post(
            reverse("partners:co_invite", args=[co["mission"].pk]),
            {"partner": co["partner"].pk, "email": "jan@rhein.example", "first_name": "Jan"},
        )
    assert response.status_code == 302
    invitation = PartnerInvitation.objects.get()
    assert (invitation.contact.partner, invitation.invited_by) == (co["partner"], co["user"])
    [mail] = mailoutbox
    assert mail.to == ["jan@rhein.example"]
    page = co["client"].get(response["Location"]).content.decode()
    assert "jan@rhein.example" in page


def test_a_member_cannot_invite_a_contact_of_another_organisations_partner(
    co, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = co["client"].post(
            reverse("partners:co_invite", args=[co["mission"].pk]),
            {"partner": co["foreign"].pk, "email": "x@fremd.example"},
        )
    assert response.status_code == 400
    assert "Scegli" in response.content.decode() or "valid" in response.content.decode()
    assert not PartnerInvitation.objects.exists()
    assert mailoutbox == []
    # The service holds the rule on its own, whatever calls it.
    member_row = CoOrganiserMember.objects.get(user=co["user"])
    with pytest.raises(co_organisers.PartnerNotYours):
        co_organisers.contact_invite(
            member=member_row,
            mission_id=co["mission"].pk,
            partner_id=co["foreign"].pk,
            email="x@fremd.example",
        )
    assert not PartnerContact.objects.exists()


def test_a_member_cannot_be_invited_as_a_partner_contact(co):
    with pytest.raises(services.NotAPartnerContact):
        services.contact_invite(
            partner_id=co["partner"].pk,
            mission_id=co["mission"].pk,
            email=co["user"].email,
            invited_by=None,
        )
    assert not PartnerContact.objects.exists()


# --- Adding a partner ---------------------------------------------------------------------------


def test_a_member_adds_a_partner_which_becomes_theirs_and_on_the_mission(co):
    url = reverse("partners:co_partner_add", args=[co["mission"].pk])
    assert co["client"].get(url).status_code == 200
    response = co["client"].post(
        url,
        {"name": "Neue Steine GmbH", "kind": "importer", "city": city("koeln").pk},
    )
    assert response.status_code == 302
    partner = Partner.objects.get(name="Neue Steine GmbH")
    assert CoOrganiserPartner.objects.filter(co_organiser=co["co_organiser"], partner=partner)
    assert MissionPartner.objects.filter(mission=co["mission"], partner=partner).exists()
    assert "Neue Steine GmbH" in co["client"].get(response["Location"]).content.decode()


def test_a_partner_without_a_name_is_refused_and_nothing_is_written(co):
    before = Partner.objects.count()
    response = co["client"].post(
        reverse("partners:co_partner_add", args=[co["mission"].pk]),
        {"name": "", "kind": "importer", "city": city("koeln").pk},
    )
    assert response.status_code == 400
    assert Partner.objects.count() == before


def test_a_partner_cannot_be_added_to_a_mission_not_assigned(co):
    other = MissionFactory()
    response = co["client"].post(
        reverse("partners:co_partner_add", args=[other.pk]),
        {"name": "Neue Steine GmbH", "kind": "importer", "city": city("koeln").pk},
    )
    assert response.status_code == 404
    with pytest.raises(co_organisers.MissionNotAssigned):
        co_organisers.partner_create(
            co_organiser_id=co["co_organiser"].pk,
            mission_id=other.pk,
            fields={"name": "X", "kind": "importer", "city": city("koeln")},
        )
    assert not Partner.objects.filter(name__in=["Neue Steine GmbH", "X"]).exists()


# --- A partner's requests, meetings, agenda and profile --------------------------------------


def test_the_partner_page_shows_requests_both_ways_and_meeting_outcomes(co):
    mission, partner = co["mission"], co["partner"]
    mission.agenda_published_at = timezone.now()
    mission.save(update_fields=["agenda_published_at"])
    firm_a = member(name="Marmi Adda S.r.l.").membership.firm
    firm_b = member(name="Graniti Masino S.r.l.").membership.firm
    for firm in (firm_a, firm_b):
        ApplicationFactory(mission=mission, firm=firm, status="confirmed")
    accepted = MeetingRequest.objects.create(
        mission=mission, firm=firm_a, partner=partner, status="accepted", reason="Marmo"
    )
    Meeting.objects.create(
        request=accepted,
        mission=mission,
        firm=firm_a,
        partner=partner,
        attendance="held",
        outcome="order",
    )
    MeetingRequest.objects.create(
        mission=mission, firm=firm_b, partner=partner, origin="partner", reason="Granit"
    )
    response = co["client"].get(reverse("partners:co_partner", args=[mission.pk, partner.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Marmi Adda S.r.l." in page
    assert "Graniti Masino S.r.l." in page
    assert "Dal partner" in page or "Vom Partner" in page
    assert "Ordine" in page or "Auftrag" in page


def test_the_partner_page_shows_the_partners_feedback_beside_the_firms_outcome(co):
    mission, partner = co["mission"], co["partner"]
    firms = [member(name=f"Impresa {n} S.r.l.").membership.firm for n in range(3)]

    def meeting(firm, **fields):
        request = MeetingRequest.objects.create(
            mission=mission, firm=firm, partner=partner, status="accepted"
        )
        return Meeting.objects.create(
            request=request, mission=mission, firm=firm, partner=partner, **fields
        )

    held = meeting(
        firms[0],
        outcome="order",
        partner_held=True,
        partner_interest=4,
        partner_next_step="samples",
        partner_note="Preise noch zu hoch",
        partner_feedback_at=timezone.now(),
    )
    not_held = meeting(firms[1], partner_held=False, partner_feedback_at=timezone.now())
    none_yet = meeting(firms[2], outcome="contact")

    client = login(co["user"], language="it")
    response = client.get(reverse("partners:co_partner", args=[mission.pk, partner.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    rows = {
        m.pk: page.split(f'id="request-{m.request_id}"')[1].split("</tr>")[0]
        for m in (held, not_held, none_yet)
    }
    # Beside the firm's outcome ("Ordine"), the partner's answer and their note.
    assert "Ordine" in rows[held.pk]
    assert "Interesse buono" in rows[held.pk]
    assert "Campioni richiesti" in rows[held.pk]
    assert "Preise noch zu hoch" in rows[held.pk]
    assert "Non si è svolto" in rows[not_held.pk]
    assert "Interesse" not in rows[none_yet.pk]
    assert "Nessun feedback" in rows[none_yet.pk]


def test_the_partner_page_shows_the_published_agenda(co):
    mission, partner = co["mission"], co["partner"]
    from missions import services as b2b
    from tests.factories import ProgrammeItemFactory

    ProgrammeItemFactory(mission=mission, kind="b2b")
    b2b.slots_generate(mission_id=mission.pk)
    firm = member(name="Marmi Adda S.r.l.").membership.firm
    request = MeetingRequest.objects.create(
        mission=mission, firm=firm, partner=partner, status="accepted"
    )
    slot = mission.programme.get().slots.first()
    Meeting.objects.create(
        request=request, mission=mission, firm=firm, partner=partner, slot=slot, table=1
    )
    url = reverse("partners:co_partner", args=[mission.pk, partner.pk])
    assert f"meeting-{request.meeting.pk}" not in co["client"].get(url).content.decode()
    mission.agenda_published_at = timezone.now()
    mission.save(update_fields=["agenda_published_at"])
    assert f"meeting-{request.meeting.pk}" in co["client"].get(url).content.decode()


def test_a_member_edits_their_partners_profile(co):
    url = reverse("partners:co_partner_profile", args=[co["partner"].pk])
    assert co["client"].get(url).status_code == 200
    response = co["client"].post(
        url, {"products_sought": "Granitplatten", "nace_codes": "23.7", "vat_number": ""}
    )
    assert response.status_code == 302
    co["partner"].refresh_from_db()
    assert (co["partner"].products_sought, co["partner"].nace_codes) == ("Granitplatten", ["23.7"])
    bad = co["client"].post(url, {"products_sought": "x", "vat_number": "DE000"})
    assert bad.status_code == 400
    co["partner"].refresh_from_db()
    assert co["partner"].products_sought == "Granitplatten"


# --- Nothing else is visible ------------------------------------------------------------------


def test_other_ids_are_404(co):
    client, mission = co["client"], co["mission"]
    other_mission, own_elsewhere, _ = partner_on_mission("Eigen GmbH")
    bring(co["co_organiser"], own_elsewhere)  # theirs, but on a mission not assigned to them
    urls = [
        reverse("partners:co_mission", args=[other_mission.pk]),
        reverse("partners:co_partner", args=[mission.pk, co["foreign"].pk]),
        reverse("partners:co_partner", args=[other_mission.pk, own_elsewhere.pk]),
        reverse("partners:co_partner_profile", args=[co["foreign"].pk]),
        reverse("partners:co_partner", args=[999_999, co["partner"].pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)


@pytest.mark.parametrize("who", ["firm_user", "partner_contact", "staff", "plain_user"])
def test_the_area_is_only_for_co_organiser_members(
    co, who, django_capture_on_commit_callbacks, mailoutbox, eager_celery
):
    if who == "firm_user":
        user = member()
    elif who == "partner_contact":
        user = invite(django_capture_on_commit_callbacks, co["mission"], co["partner"]).user
    elif who == "staff":
        user = StaffFactory()
    else:
        user = UserFactory()
    client = login(user)
    assert client.get(reverse("partners:co_home")).status_code == 403
    assert client.get(reverse("partners:co_mission", args=[co["mission"].pk])).status_code == 403


def test_a_member_cannot_use_the_partner_workspace(co):
    client = co["client"]
    assert client.get(reverse("partners:home")).status_code == 403
    assert client.get(reverse("partners:mission", args=[co["mission"].pk])).status_code == 403


def test_a_member_refused_a_page_is_told_where_their_own_area_is(co):
    client = login(co["user"], language="it")
    for url in (
        reverse("partners:home"),
        reverse("partners:agenda", args=[co["mission"].pk]),
        reverse("members:team"),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        page = response.content.decode()
        assert "non fa parte dell'area del vostro co-organizzatore" in page, url
        assert f'href="{reverse("partners:co_home")}"' in page, url
    # Others keep the usual answer.
    other = login(member(), language="it").get(reverse("partners:home")).content.decode()
    assert "co-organizzatore" not in other


def test_a_member_opening_a_firm_page_lands_in_their_area_with_a_clear_message(co):
    client = login(co["user"], language="it")
    response = client.get(reverse("missions:b2b", args=[co["mission"].pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("partners:co_home")
    page = response.content.decode()
    assert "Questa sezione è riservata ai soci" in page
    assert "la tua impresa deve essere approvata" not in page  # they have no firm to approve


# --- Members: added by staff, never staff, firm users or contacts ------------------------------


@pytest.mark.parametrize("who", ["staff", "firm_user", "partner_contact", "other_co_organiser"])
def test_staff_firm_users_contacts_and_other_members_cannot_become_members(
    co, who, django_capture_on_commit_callbacks, mailoutbox, eager_celery
):
    if who == "staff":
        email = StaffFactory().email
    elif who == "firm_user":
        email = member().email
    elif who == "partner_contact":
        email = invite(django_capture_on_commit_callbacks, co["mission"], co["partner"]).user.email
    else:
        email = co["user"].email
        co["co_organiser"] = CoOrganiser.objects.create(name="IHK Dortmund", kind="chamber")
    with pytest.raises(co_organisers.NotACoOrganiserMember):
        co_organisers.member_add(co_organiser_id=co["co_organiser"].pk, email=email)
    assert CoOrganiserMember.objects.count() == 1


def test_staff_add_a_member_in_admin_and_they_get_a_german_password_email():
    co_organiser = CoOrganiser.objects.create(name="AHK Köln", kind="chamber")
    response = login(StaffFactory()).post(
        reverse("admin:partners_coorganisermember_add"),
        {
            "co_organiser": co_organiser.pk,
            "email": "lena@ahk-koeln.example",
            "first_name": "Lena",
            "last_name": "Weber",
            "language": "de",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member_row = CoOrganiserMember.objects.get()
    user = member_row.user
    assert (user.email, user.language, user.is_staff) == ("lena@ahk-koeln.example", "de", False)
    assert not user.has_usable_password()
    [mail] = OutgoingEmail.objects.all()
    assert mail.to == ["lena@ahk-koeln.example"]
    assert mail.headers.get("Content-Language") == "de"
    assert "/accounts/password/reset/key/" in mail.body


def test_admin_refuses_a_firm_user_as_a_member_with_a_message():
    co_organiser = CoOrganiser.objects.create(name="AHK Köln", kind="chamber")
    response = login(StaffFactory()).post(
        reverse("admin:partners_coorganisermember_add"),
        {"co_organiser": co_organiser.pk, "email": member().email, "language": "de"},
    )
    assert response.status_code == 200
    assert "non può essere aggiunto" in response.content.decode()
    assert not CoOrganiserMember.objects.exists()


def test_inviting_a_firm_users_address_is_a_form_error_and_nothing_is_written(co, mailoutbox):
    response = co["client"].post(
        reverse("partners:co_invite", args=[co["mission"].pk]),
        {"partner": co["partner"].pk, "email": member().email},
    )
    assert response.status_code == 400
    assert "non può essere invitato come referente" in response.content.decode()
    assert not PartnerContact.objects.exists()
    assert mailoutbox == []


def test_staff_send_the_password_email_again_from_the_admin_action(co):
    member_row = CoOrganiserMember.objects.get()
    response = login(StaffFactory()).post(
        reverse("admin:partners_coorganisermember_changelist"),
        {"action": "invite", "_selected_action": [member_row.pk]},
    )
    assert response.status_code == 302
    [mail] = OutgoingEmail.objects.all()
    assert mail.to == [co["user"].email]
