"""Demo board for `manage.py seed_demo`: a mentor's experience, a newcomer's question, replies."""

from board import services
from board.models import Follow, MentorProfile, Post, Tag
from members.models import Firm, User

EXPERIENCE = """## Mercato
Germania, Renania Settentrionale-Vestfalia: costruttori di macchine agricole.

## Canale
Un agente plurimandatario di Düsseldorf, poi fornitura diretta.

## Cosa ha funzionato
- Campioni **certificati** (EN 1090) spediti prima della fiera
- Offerte in tedesco, prezzi franco destino
- Rispondere entro 24 ore: i buyer tedeschi lo notano

## Errori da evitare
1. Presentarsi senza listino in euro e senza tempi di consegna
2. Sottovalutare la documentazione tecnica in tedesco
"""

QUESTION = """Abbiamo un contatto con un importatore di Colonia interessato al serizzo per facciate.
Ci chiede pagamento a **60 giorni**. Come vi tutelate? Assicurazione del credito o lettera di
credito? Qualcuno ha esperienza con [SACE](https://www.sace.it)?"""


def seed() -> None:
    mentor_user = User.objects.filter(email="mentore@club.example").first()
    newcomer = User.objects.filter(email="nuova@club.example").first()
    if not mentor_user or not newcomer or Post.objects.exists():
        return
    mentor_firm = Firm.objects.get(memberships__user=mentor_user)
    MentorProfile.objects.get_or_create(
        firm=mentor_firm,
        defaults={
            "markets": "Germania, Svizzera, Austria",
            "years_exporting": 12,
            "expertise": "Subfornitura meccanica, certificazioni, agenti in Germania.",
            "max_open_requests": 3,
        },
    )
    tags = {t.slug: t for t in Tag.objects.all()}
    Follow.objects.get_or_create(user=newcomer, tag=tags["pagamenti"])
    Follow.objects.get_or_create(user=newcomer, mentor=mentor_firm)
    experience = services.post_create(
        author=mentor_user,
        kind=Post.Kind.EXPERIENCE,
        title="Come abbiamo trovato i primi clienti in Germania",
        body=EXPERIENCE,
        tags=[tags["metalmeccanico"], tags["nrw"], tags["ricerca-partner"]],
    )
    question = services.post_create(
        author=newcomer,
        kind=Post.Kind.QUESTION,
        title="Pagamento a 60 giorni da un importatore tedesco: come tutelarsi?",
        body=QUESTION,
        tags=[tags["lapideo"], tags["colonia"], tags["pagamenti"]],
    )
    answer = services.comment_create(
        post=question,
        author=mentor_user,
        body="Noi usiamo l'assicurazione del credito: costa poco rispetto al rischio. "
        "Chiedete anche una visura (*Handelsregisterauszug*) dell'importatore.",
    )
    services.comment_create(
        post=question, author=newcomer, body="Grazie, molto utile!", parent=answer
    )
    services.question_mark_answered(post_id=question.pk, comment_id=answer.pk, user=newcomer)
    services.comment_create(
        post=experience, author=newcomer, body="Quanto tempo è servito per il primo ordine?"
    )
