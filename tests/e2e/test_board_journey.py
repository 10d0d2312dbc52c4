"""A mentor tells an experience on the board, a newcomer asks in a comment and gets a reply."""

import re

import pytest
from playwright.sync_api import Page, expect

from board.models import Comment, Follow, Post, Tag
from notifications.models import Notification
from tests.factories import member
from tests.support.browser import field, log_in, main_nav, path_of

MENTOR_FIRM = "Officine Meccaniche Adda S.r.l."
NEWCOMER_FIRM = "Graniti Val Masino S.r.l."
TITLE = "Tre anni con i distributori in Baviera"
BOLD = "campioni certificati e listino in tedesco"
BODY = f"""# Come abbiamo trovato il distributore

Il primo contatto è arrivato in fiera, a Monaco: servono **{BOLD}**.

- Certificazioni CE pronte prima della fiera
- Visita in azienda entro un mese
- Primo ordine di prova, piccolo

Per i contatti chiedete alla [Camera](https://www.so.camcom.it).

<script>alert(1)</script>
"""
QUESTION = "Quanto tempo per il primo ordine?"
REPLY = "Circa sei mesi, con campioni certificati."


@pytest.mark.django_db(transaction=True)
def test_mentor_posts_an_experience_and_answers_a_newcomer(live_server, page: Page, new_page, shot):
    # Tags come from a data migration; transactional tests flush them, so recreate.
    logistica = Tag.objects.get_or_create(
        kind="topic", slug="logistica", defaults={"name": "Logistica"}
    )[0]
    Tag.objects.get_or_create(kind="topic", slug="fiere", defaults={"name": "Fiere"})
    Tag.objects.get_or_create(kind="place", slug="baviera", defaults={"name": "Baviera"})
    mentor = member(is_mentor=True, name=MENTOR_FIRM)
    newcomer = member(name=NEWCOMER_FIRM)

    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)

    # 1. The mentor writes an experience; the live preview renders it, sanitised.
    log_in(page, mentor.email)
    main_nav(page).get_by_role("link", name="Bacheca", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bacheca del Club")
    page.get_by_role("main").get_by_role("link", name="Racconta un'esperienza").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Racconta un'esperienza")
    field(page, "Titolo").fill(TITLE)
    field(page, "Testo").fill(BODY)
    preview = page.locator("#post-preview")
    expect(preview.locator("strong")).to_have_text(BOLD)
    expect(preview.locator("h2")).to_have_text("Come abbiamo trovato il distributore")
    expect(preview.locator("li")).to_have_count(3)
    expect(preview.get_by_role("link", name="Camera")).to_have_attribute(
        "href", "https://www.so.camcom.it"
    )
    expect(preview).to_contain_text("<script>alert(1)</script>")  # shown as text
    expect(page.locator("#post-preview script")).to_have_count(0)
    shot(page, "experience-live-preview")

    page.get_by_label("Logistica", exact=True).check()
    page.get_by_role("button", name="Pubblica").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_contain_text("Pubblicato.")
    body = page.locator("article .post-body")
    expect(body.locator("h2")).to_have_text("Come abbiamo trovato il distributore")
    expect(body.locator("strong")).to_have_text(BOLD)
    expect(body.locator("li")).to_have_count(3)
    camera = body.get_by_role("link", name="Camera")
    expect(camera).to_have_attribute("href", "https://www.so.camcom.it")
    expect(camera).to_have_attribute("rel", re.compile(r"\bnofollow\b"))
    expect(body).to_contain_text("<script>alert(1)</script>")
    expect(page.locator(".post-body script")).to_have_count(0)
    expect(page.locator("article .badge", has_text="Logistica")).to_be_visible()
    post = Post.objects.get(title=TITLE)
    assert post.kind == Post.Kind.EXPERIENCE
    assert post.author == mentor
    assert list(post.tags.all()) == [logistica]
    assert "<script" not in post.body_html
    shot(page, "experience-published")

    # 2. The newcomer opens the post, asks a question and follows the topic.
    newbie = new_page()
    newbie.on("dialog", on_dialog)
    log_in(newbie, newcomer.email)
    main_nav(newbie).get_by_role("link", name="Bacheca", exact=True).click()
    newbie.get_by_role("link", name=TITLE).click()
    expect(newbie.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(newbie.get_by_text("Ancora nessun commento.")).to_be_visible()
    field(newbie, "Il tuo commento").fill(QUESTION)
    newbie.get_by_role("button", name="Commenta").click()
    question = Comment.objects.get(post=post, parent=None)
    expect(newbie).to_have_url(path_of("board:detail", post.pk, suffix=f"#comment-{question.pk}"))
    card = newbie.locator(f"#comment-{question.pk}")
    expect(card).to_contain_text(NEWCOMER_FIRM)
    expect(card.locator(".post-body")).to_have_text(QUESTION)
    assert question.author == newcomer
    shot(newbie, "newcomer-comment")

    newbie.get_by_role("button", name="Segui «Logistica»").click()
    expect(newbie.get_by_role("status")).to_contain_text("Ora segui questo argomento.")
    expect(newbie.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert Follow.objects.filter(user=newcomer, tag=logistica).exists()
    shot(newbie, "newcomer-follows-logistica")

    # 3. The mentor reloads the post and replies under the newcomer's comment.
    page.reload()
    card = page.locator(f"#comment-{question.pk}")
    expect(card.locator(".post-body").first).to_have_text(QUESTION)
    card.locator("summary", has_text="Rispondi").click()
    field(card, "La tua risposta").fill(REPLY)
    card.locator("details form").get_by_role("button", name="Rispondi").click()
    reply = Comment.objects.get(post=post, parent=question)
    expect(page).to_have_url(re.compile(rf"#comment-{reply.pk}$"))
    reply_block = page.locator(f"#comment-{question.pk} .reply#comment-{reply.pk}")
    expect(reply_block).to_contain_text(MENTOR_FIRM)
    expect(reply_block.locator(".post-body")).to_have_text(REPLY)
    assert reply.author == mentor
    shot(page, "mentor-reply")

    # 4. The newcomer's bell counts the reply; the inbox shows it.
    assert Notification.objects.filter(recipient=newcomer, kind="board_reply").exists()
    unread = Notification.objects.filter(recipient=newcomer, read_at__isnull=True).count()
    newbie.reload()
    bell = main_nav(newbie).get_by_role("link", name=re.compile("Notifiche"))
    expect(bell.locator(".badge.unread")).to_have_text(str(unread))
    bell.click()
    expect(newbie).to_have_url(path_of("notifications:inbox"))
    expect(newbie.get_by_role("heading", level=1)).to_have_text("Notifiche")
    item = newbie.locator(".inbox li").filter(has_text=f"Nuova risposta a «{TITLE}»")
    expect(item).to_have_count(1)
    expect(item.locator("strong")).to_have_text(f"Nuova risposta a «{TITLE}»")
    expect(item).to_contain_text(f"{MENTOR_FIRM} ha risposto: {REPLY}")
    shot(newbie, "newcomer-inbox")

    assert dialogs == [], dialogs
