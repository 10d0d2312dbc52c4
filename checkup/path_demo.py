"""Demo catalogues of the personal path (seed_demo): real funding instruments and Camera services
and training with dates a few weeks ahead, linked to the providers' public sites.

Created published and without notifying (the demo has nothing to announce). Idempotent: an item
whose Italian title exists is left alone.
"""

import datetime as dt

from django.utils import timezone

from checkup.models import CameraService, FundingInstrument

CAMERA = "https://www.so.camcom.it/"

# (title it/en/de, kind, starts in days, lasts days, registration closes days before, codes)
SERVICES = [
    (
        ("Incoterms 2020 in pratica", "Incoterms 2020 in practice", "Incoterms 2020 in der Praxis"),
        "training",
        21,
        0,
        7,
        ["pricing"],
        (
            "Mezza giornata su chi paga trasporto, assicurazione e dogana, con esempi di offerte "
            "verso la Germania (EXW, FCA, DAP, DDP)."
        ),
    ),
    (
        (
            "Etichettatura alimentare per la Germania",
            "Food labelling for Germany",
            "Lebensmittelkennzeichnung für Deutschland",
        ),
        "training",
        35,
        0,
        7,
        ["product"],
        (
            "Regolamento UE 1169/2011, lingua tedesca in etichetta, allergeni e dichiarazioni "
            "nutrizionali: cosa controllano i buyer tedeschi."
        ),
    ),
    (
        (
            "Marcatura CE: percorsi e documenti",
            "CE marking: routes and documents",
            "CE-Kennzeichnung",
        ),
        "training",
        49,
        1,
        10,
        ["product"],
        (
            "Direttive e regolamenti applicabili, fascicolo tecnico, dichiarazione di conformità, "
            "quando serve un organismo notificato."
        ),
    ),
    (
        (
            "Sportello export: primo orientamento",
            "Export desk: first guidance",
            "Export-Schalter: Erstberatung",
        ),
        "service",
        0,
        365,
        0,
        ["organisation", "market", "experience"],
        (
            "Un incontro con l'esperto della Camera: mercati, canali, contratti e documenti per "
            "partire con la Germania."
        ),
    ),
]

# (name it/en/de, provider, link, deadline in days or None, codes, description)
FUNDING = [
    (
        (
            "Finanziamento per l'inserimento nei mercati esteri",
            "Financing for entering foreign markets",
            "Finanzierung für den Eintritt in Auslandsmärkte",
        ),
        "SIMEST",
        "https://www.simest.it/",
        None,
        ["market", "experience", "organisation"],
        (
            "Finanziamento a tasso agevolato per aprire una struttura commerciale all'estero "
            "(ufficio, showroom, negozio) e le relative attività promozionali."
        ),
    ),
    (
        (
            "Garanzie SACE sul credito all'esportazione",
            "SACE export credit guarantees",
            "SACE-Exportkreditgarantien",
        ),
        "SACE",
        "https://www.sace.it/",
        None,
        ["finance", "pricing"],
        (
            "Assicurazione del credito e garanzie sui finanziamenti per vendere all'estero con "
            "pagamento dilazionato senza rischiare l'incasso."
        ),
    ),
    (
        (
            "Voucher per l'internazionalizzazione delle MPMI lombarde",
            "Internationalisation vouchers for Lombard SMEs",
            "Internationalisierungsgutscheine für lombardische KMU",
        ),
        "Regione Lombardia e Camere di commercio lombarde",
        "https://www.bandi.regione.lombardia.it/",
        60,
        ["organisation", "digital", "market", "languages"],
        (
            "Contributo a fondo perduto per fiere, temporary export manager, siti e cataloghi "
            "in lingua e servizi di consulenza per i mercati esteri."
        ),
    ),
]


def seed(*, today: dt.date | None = None) -> int:
    """Create the demo catalogue items; returns how many were created."""
    today = today or timezone.localdate()
    now = timezone.now()
    created = 0
    for titles, kind, starts, lasts, closes, codes, description in SERVICES:
        if CameraService.objects.filter(title_it=titles[0]).exists():
            continue
        start = today + dt.timedelta(days=starts)
        CameraService.objects.create(
            title=titles[0],
            title_it=titles[0],
            title_en=titles[1],
            title_de=titles[2],
            description=description,
            description_it=description,
            kind=kind,
            starts_on=start,
            ends_on=start + dt.timedelta(days=lasts),
            registration_deadline=start - dt.timedelta(days=closes) if closes else None,
            link=CAMERA,
            dimension_codes=codes,
            published_at=now,
        )
        created += 1
    for names, provider, link, deadline, codes, description in FUNDING:
        if FundingInstrument.objects.filter(name_it=names[0]).exists():
            continue
        FundingInstrument.objects.create(
            name=names[0],
            name_it=names[0],
            name_en=names[1],
            name_de=names[2],
            provider=provider,
            description=description,
            description_it=description,
            link=link,
            deadline=today + dt.timedelta(days=deadline) if deadline else None,
            dimension_codes=codes,
            published_at=now,
        )
        created += 1
    return created
