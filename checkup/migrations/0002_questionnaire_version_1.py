"""Version 1 of the export-readiness check-up, published: 8 dimensions, 3 questions each.

The texts are frozen here (a data migration must not import app code that may change later);
staff edit later versions in admin by copying this one into a draft.
"""

from django.db import migrations
from django.utils import timezone

# (code, weight, name {it,en,de}, advice {it,en,de}, questions)
# question: (text {it,en,de}, [(option {it,en,de}, points), ...])
DIMENSIONS = [
    (
        "organisation",
        1,
        ("Organizzazione e persone", "Organisation and people", "Organisation und Personal"),
        (
            "Nominate una persona responsabile dell'export, anche a tempo parziale, con un "
            "obiettivo e un budget annuali. Il corso «Export manager» della Camera e un export "
            "manager temporaneo (TEM) possono aiutare a partire.",
            "Appoint one person responsible for exports, even part-time, with a yearly target "
            "and budget. The Chamber's export manager course and a temporary export manager "
            "(TEM) can help you get started.",
            "Benennen Sie eine verantwortliche Person für den Export – auch in Teilzeit – mit "
            "einem Jahresziel und einem eigenen Budget. Der Lehrgang „Exportmanager“ der Kammer "
            "und ein Temporary Export Manager (TEM) erleichtern den Einstieg.",
        ),
        [
            (
                (
                    "Chi si occupa dei mercati esteri nella vostra impresa?",
                    "Who looks after foreign markets in your firm?",
                    "Wer kümmert sich in Ihrem Unternehmen um Auslandsmärkte?",
                ),
                [
                    (("Nessuno in particolare", "Nobody in particular", "Niemand gezielt"), 0),
                    (
                        (
                            "Il titolare, quando ha tempo",
                            "The owner, when time allows",
                            "Die Geschäftsführung, wenn Zeit bleibt",
                        ),
                        1,
                    ),
                    (
                        (
                            "Una persona dedicata in parte all'export",
                            "One person, part of their time",
                            "Eine Person, teilweise für den Export",
                        ),
                        2,
                    ),
                    (
                        (
                            "Un ufficio o una persona a tempo pieno",
                            "An export office or a full-time person",
                            "Eine Exportabteilung oder eine Vollzeitkraft",
                        ),
                        3,
                    ),
                ],
            ),
            (
                (
                    "Avete un piano export scritto, con obiettivi e budget?",
                    "Do you have a written export plan with targets and a budget?",
                    "Gibt es einen schriftlichen Exportplan mit Zielen und Budget?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (
                        (
                            "Abbiamo idee, ma nulla di scritto",
                            "We have ideas, but nothing written down",
                            "Wir haben Ideen, aber nichts Schriftliches",
                        ),
                        1,
                    ),
                    (
                        (
                            "Sì, aggiornato ogni anno",
                            "Yes, updated every year",
                            "Ja, jährlich aktualisiert",
                        ),
                        2,
                    ),
                ],
            ),
            (
                (
                    "Riuscite a seguire clienti esteri senza rallentare il lavoro in Italia?",
                    "Can you serve foreign customers without slowing down your work in Italy?",
                    "Können Sie Kunden im Ausland betreuen, ohne dass das Inlandsgeschäft "
                    "darunter leidet?",
                ),
                [
                    (
                        ("No, siamo al limite", "No, we are at capacity", "Nein, wir sind ausgelastet"),
                        0,
                    ),
                    (
                        (
                            "Solo per ordini piccoli",
                            "Only for small orders",
                            "Nur bei kleinen Aufträgen",
                        ),
                        1,
                    ),
                    (
                        (
                            "Sì, abbiamo capacità produttiva libera",
                            "Yes, we have spare production capacity",
                            "Ja, wir haben freie Produktionskapazität",
                        ),
                        2,
                    ),
                ],
            ),
        ],
    ),
    (
        "product",
        1.5,
        (
            "Prodotto e certificazioni",
            "Product and certifications",
            "Produkt und Zertifizierungen",
        ),
        (
            "Verificate le norme che il vostro prodotto deve rispettare in Germania (marcatura CE, "
            "etichettatura alimentare in tedesco secondo il Regolamento UE 1169/2011, imballaggi "
            "registrati nel LUCID). Lo sportello Etichettatura e sicurezza alimentare della Camera "
            "controlla gratuitamente la prima etichetta.",
            "Check the rules your product must meet in Germany (CE marking, food labelling in "
            "German under Regulation (EU) 1169/2011, packaging registered in LUCID). The "
            "Chamber's labelling and food safety desk checks your first label free of charge.",
            "Prüfen Sie, welche Vorschriften Ihr Produkt in Deutschland erfüllen muss "
            "(CE-Kennzeichnung, deutsche Lebensmittelkennzeichnung nach der Verordnung (EU) "
            "Nr. 1169/2011, Verpackungsregistrierung im LUCID). Die Beratungsstelle der Kammer "
            "für Kennzeichnung und Lebensmittelsicherheit prüft Ihr erstes Etikett kostenlos.",
        ),
        [
            (
                (
                    "Il prodotto ha le certificazioni richieste in Germania (ad esempio la "
                    "marcatura CE)?",
                    "Does your product have the certifications required in Germany (for "
                    "example CE marking)?",
                    "Verfügt Ihr Produkt über die in Deutschland vorgeschriebenen "
                    "Zertifizierungen (z. B. CE-Kennzeichnung)?",
                ),
                [
                    (("Non lo sappiamo", "We don't know", "Das wissen wir nicht"), 0),
                    (
                        (
                            "Sappiamo quali servono, ma non le abbiamo",
                            "We know which ones, but don't have them",
                            "Wir kennen sie, haben sie aber noch nicht",
                        ),
                        1,
                    ),
                    (
                        (
                            "Sì, tutte quelle necessarie",
                            "Yes, all those needed",
                            "Ja, alle erforderlichen",
                        ),
                        2,
                    ),
                ],
            ),
            (
                (
                    "Etichette, istruzioni e imballaggi sono pronti in tedesco?",
                    "Are labels, instructions and packaging ready in German?",
                    "Liegen Etiketten, Gebrauchsanleitungen und Verpackungen auf Deutsch vor?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (("In parte", "Partly", "Teilweise"), 1),
                    (
                        (
                            "Sì, controllati da un esperto",
                            "Yes, checked by an expert",
                            "Ja, von Fachleuten geprüft",
                        ),
                        2,
                    ),
                ],
            ),
            (
                (
                    "Potete adattare il prodotto (formati, confezioni, varianti) alle richieste "
                    "di un cliente tedesco?",
                    "Can you adapt the product (sizes, packs, variants) to a German customer's "
                    "requests?",
                    "Können Sie Ihr Produkt (Größen, Gebinde, Varianten) an die Wünsche eines "
                    "deutschen Kunden anpassen?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (
                        ("Con qualche difficoltà", "With some difficulty", "Mit einigem Aufwand"),
                        1,
                    ),
                    (("Sì, facilmente", "Yes, easily", "Ja, problemlos"), 2),
                ],
            ),
        ],
    ),
    (
        "pricing",
        1,
        ("Prezzi e Incoterms", "Pricing and Incoterms", "Preise und Incoterms"),
        (
            "Preparate un listino export con i costi di trasporto, dazi e imballi, e scegliete "
            "gli Incoterms 2020 che sapete gestire (ad esempio FCA o DAP). La Camera organizza "
            "un seminario pratico su prezzi e Incoterms.",
            "Prepare an export price list that includes transport, duties and packaging, and "
            "choose the Incoterms 2020 you can handle (for example FCA or DAP). The Chamber runs "
            "a hands-on seminar on pricing and Incoterms.",
            "Erstellen Sie eine Exportpreisliste, die Transport, Zölle und Verpackung "
            "berücksichtigt, und legen Sie fest, welche Incoterms 2020 Sie abwickeln können "
            "(z. B. FCA oder DAP). Die Kammer bietet dazu ein praxisnahes Seminar an.",
        ),
        [
            (
                (
                    "Avete un listino prezzi per l'estero?",
                    "Do you have a price list for foreign customers?",
                    "Haben Sie eine Preisliste für Kunden im Ausland?",
                ),
                [
                    (
                        (
                            "No, usiamo quello italiano",
                            "No, we use the Italian one",
                            "Nein, wir verwenden die italienische",
                        ),
                        0,
                    ),
                    (
                        (
                            "Calcoliamo il prezzo caso per caso",
                            "We price each request separately",
                            "Wir kalkulieren jedes Angebot einzeln",
                        ),
                        1,
                    ),
                    (
                        (
                            "Sì, con i costi di trasporto e distribuzione",
                            "Yes, including transport and distribution costs",
                            "Ja, inklusive Transport- und Vertriebskosten",
                        ),
                        2,
                    ),
                ],
            ),
            (
                (
                    "Conoscete gli Incoterms e sapete quale proporre?",
                    "Do you know the Incoterms and which one to offer?",
                    "Kennen Sie die Incoterms und wissen Sie, welche Sie anbieten?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (
                        (
                            "Ne abbiamo sentito parlare",
                            "We have heard of them",
                            "Wir haben davon gehört",
                        ),
                        1,
                    ),
                    (
                        (
                            "Sì, li usiamo nelle offerte",
                            "Yes, we use them in our offers",
                            "Ja, wir verwenden sie in unseren Angeboten",
                        ),
                        2,
                    ),
                ],
            ),
            (
                (
                    "Sapete come il vostro prezzo si confronta con i concorrenti in Germania?",
                    "Do you know how your price compares with competitors in Germany?",
                    "Wissen Sie, wie Ihr Preis im Vergleich zum Wettbewerb in Deutschland "
                    "liegt?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (("A grandi linee", "Roughly", "Ungefähr"), 1),
                    (
                        (
                            "Sì, con un'analisi aggiornata",
                            "Yes, from a recent analysis",
                            "Ja, aus einer aktuellen Analyse",
                        ),
                        2,
                    ),
                ],
            ),
        ],
    ),
    (
        "languages",
        1,
        ("Lingue", "Languages", "Sprachen"),
        (
            "Fate in modo che almeno una persona risponda in inglese o in tedesco entro un "
            "giorno lavorativo. I corsi di tedesco commerciale della Camera e un servizio di "
            "traduzione per i documenti chiave bastano per iniziare.",
            "Make sure at least one person can reply in English or German within one working "
            "day. The Chamber's business German courses and a translation service for key "
            "documents are enough to start.",
            "Sorgen Sie dafür, dass mindestens eine Person innerhalb eines Arbeitstages auf "
            "Englisch oder Deutsch antworten kann. Für den Anfang genügen die Kurse der Kammer "
            "für Wirtschaftsdeutsch und ein Übersetzungsdienst für die wichtigsten Unterlagen.",
        ),
        [
            (
                (
                    "Qualcuno in impresa parla inglese in modo professionale?",
                    "Does someone in the firm speak English at a professional level?",
                    "Spricht jemand im Unternehmen verhandlungssicher Englisch?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (("Sì, una persona", "Yes, one person", "Ja, eine Person"), 1),
                    (
                        (
                            "Sì, più persone",
                            "Yes, several people",
                            "Ja, mehrere Personen",
                        ),
                        2,
                    ),
                ],
            ),
            (
                (
                    "Qualcuno parla tedesco?",
                    "Does anyone speak German?",
                    "Spricht jemand Deutsch?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (("Qualche parola", "A few words", "Ein paar Worte"), 1),
                    (
                        (
                            "Sì, abbastanza per una trattativa",
                            "Yes, enough to negotiate",
                            "Ja, ausreichend für Verhandlungen",
                        ),
                        2,
                    ),
                ],
            ),
            (
                (
                    "Avete materiali commerciali (catalogo, schede) in inglese o tedesco?",
                    "Do you have sales material (catalogue, data sheets) in English or German?",
                    "Gibt es Vertriebsunterlagen (Katalog, Datenblätter) auf Englisch oder "
                    "Deutsch?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (("Solo in inglese", "English only", "Nur auf Englisch"), 1),
                    (
                        (
                            "Sì, anche in tedesco",
                            "Yes, in German too",
                            "Ja, auch auf Deutsch",
                        ),
                        2,
                    ),
                ],
            ),
        ],
    ),
    (
        "digital",
        1,
        ("Presenza digitale", "Digital presence", "Digitale Präsenz"),
        (
            "Un sito in inglese (meglio anche in tedesco) con i prodotti e un contatto diretto "
            "è il primo biglietto da visita: un buyer tedesco lo guarda prima di rispondere. Il "
            "Punto Impresa Digitale della Camera offre un check-up digitale gratuito.",
            "A website in English (ideally German too) with your products and a direct contact "
            "is your first business card: a German buyer looks at it before replying. The "
            "Chamber's digital business point offers a free digital check-up.",
            "Eine Website auf Englisch – besser auch auf Deutsch – mit Ihren Produkten und "
            "einem direkten Ansprechpartner ist Ihre erste Visitenkarte: Ein deutscher Einkäufer "
            "schaut sie sich an, bevor er antwortet. Das Digitalisierungszentrum der Kammer "
            "bietet einen kostenlosen Digital-Check an.",
        ),
        [
            (
                (
                    "Il vostro sito è disponibile in inglese o in tedesco?",
                    "Is your website available in English or German?",
                    "Ist Ihre Website auf Englisch oder Deutsch verfügbar?",
                ),
                [
                    (
                        ("Non abbiamo un sito", "We have no website", "Wir haben keine Website"),
                        0,
                    ),
                    (("Solo in italiano", "Italian only", "Nur auf Italienisch"), 1),
                    (("Anche in inglese", "In English too", "Auch auf Englisch"), 2),
                    (
                        (
                            "Anche in tedesco",
                            "In German too",
                            "Auch auf Deutsch",
                        ),
                        3,
                    ),
                ],
            ),
            (
                (
                    "Siete presenti su canali online usati dai clienti esteri (LinkedIn, "
                    "marketplace B2B)?",
                    "Are you on online channels foreign customers use (LinkedIn, B2B "
                    "marketplaces)?",
                    "Sind Sie auf Online-Kanälen vertreten, die Kunden im Ausland nutzen "
                    "(LinkedIn, B2B-Plattformen)?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (
                        ("Sì, ma poco aggiornati", "Yes, but rarely updated", "Ja, aber selten gepflegt"),
                        1,
                    ),
                    (
                        ("Sì, curati con regolarità", "Yes, kept up to date", "Ja, regelmäßig gepflegt"),
                        2,
                    ),
                ],
            ),
            (
                (
                    "Rispondete alle richieste via email entro 48 ore?",
                    "Do you reply to email enquiries within 48 hours?",
                    "Beantworten Sie Anfragen per E-Mail innerhalb von 48 Stunden?",
                ),
                [
                    (("Raramente", "Rarely", "Selten"), 0),
                    (("Di solito", "Usually", "Meistens"), 1),
                    (("Sempre", "Always", "Immer"), 2),
                ],
            ),
        ],
    ),
    (
        "finance",
        1,
        ("Capacità finanziaria", "Financial capacity", "Finanzielle Ausstattung"),
        (
            "Prevedete un budget per fiere e missioni e proteggete i crediti verso l'estero "
            "(assicurazione del credito, lettera di credito). SIMEST, SACE e i voucher "
            "regionali per l'internazionalizzazione coprono parte dei costi.",
            "Set aside a budget for fairs and missions and protect your foreign receivables "
            "(credit insurance, letters of credit). SIMEST, SACE and regional "
            "internationalisation vouchers cover part of the costs.",
            "Planen Sie ein Budget für Messen und Delegationsreisen ein und sichern Sie Ihre "
            "Auslandsforderungen ab (Kreditversicherung, Akkreditiv). SIMEST, SACE und die "
            "regionalen Internationalisierungsgutscheine übernehmen einen Teil der Kosten.",
        ),
        [
            (
                (
                    "Avete un budget per l'export (fiere, missioni, campioni)?",
                    "Do you have a budget for exporting (fairs, missions, samples)?",
                    "Haben Sie ein Budget für den Export (Messen, Delegationsreisen, Muster)?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (("Di volta in volta", "Case by case", "Von Fall zu Fall"), 1),
                    (
                        (
                            "Sì, un budget annuale",
                            "Yes, a yearly budget",
                            "Ja, ein festes Jahresbudget",
                        ),
                        2,
                    ),
                ],
            ),
            (
                (
                    "Potreste finanziare un ordine importante con pagamento a 60–90 giorni?",
                    "Could you finance a large order paid at 60–90 days?",
                    "Könnten Sie einen Großauftrag mit 60 bis 90 Tagen Zahlungsziel "
                    "vorfinanzieren?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (
                        ("Con un finanziamento", "With a loan", "Mit einer Finanzierung"),
                        1,
                    ),
                    (("Sì", "Yes", "Ja"), 2),
                ],
            ),
            (
                (
                    "Conoscete gli strumenti per proteggere i crediti e finanziare l'export "
                    "(SACE, SIMEST, voucher)?",
                    "Do you know the tools to protect receivables and finance exports (SACE, "
                    "SIMEST, vouchers)?",
                    "Kennen Sie die Instrumente zur Absicherung von Forderungen und zur "
                    "Exportfinanzierung (SACE, SIMEST, Fördergutscheine)?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (("Di nome", "By name", "Dem Namen nach"), 1),
                    (
                        (
                            "Sì, li abbiamo già usati",
                            "Yes, we have used them",
                            "Ja, wir haben sie schon genutzt",
                        ),
                        2,
                    ),
                ],
            ),
        ],
    ),
    (
        "market",
        1.5,
        (
            "Conoscenza del mercato tedesco",
            "Knowledge of the German market",
            "Kenntnis des deutschen Marktes",
        ),
        (
            "Studiate il mercato prima di partire: chi compra il vostro prodotto in Germania, "
            "attraverso quali canali, a che prezzo. Le imprese mentori del Club e la Camera "
            "di Commercio Italiana per la Germania possono raccontarvi com'è andata a loro.",
            "Study the market before you go: who buys your product in Germany, through which "
            "channels, at what price. The Club's mentor firms and the Italian Chamber of "
            "Commerce for Germany can tell you how it went for them.",
            "Informieren Sie sich vorab über den Markt: Wer kauft Ihr Produkt in Deutschland, "
            "über welche Vertriebswege und zu welchem Preis? Die Mentorenunternehmen des Clubs "
            "und die Italienische Handelskammer für Deutschland teilen gern ihre Erfahrungen.",
        ),
        [
            (
                (
                    "Sapete chi sono i vostri clienti tipo in Germania?",
                    "Do you know who your typical customers in Germany are?",
                    "Wissen Sie, wer Ihre typischen Kunden in Deutschland sind?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (("Ne abbiamo un'idea", "We have an idea", "Wir haben eine Vorstellung"), 1),
                    (
                        (
                            "Sì, abbiamo un elenco di potenziali clienti",
                            "Yes, we have a list of prospects",
                            "Ja, wir haben eine Liste potenzieller Kunden",
                        ),
                        2,
                    ),
                ],
            ),
            (
                (
                    "Conoscete i canali di vendita del vostro settore in Germania "
                    "(distributori, grande distribuzione, agenti)?",
                    "Do you know your sector's sales channels in Germany (distributors, "
                    "retail chains, agents)?",
                    "Kennen Sie die Vertriebswege Ihrer Branche in Deutschland (Großhandel, "
                    "Lebensmitteleinzelhandel, Handelsvertreter)?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (("In parte", "Partly", "Teilweise"), 1),
                    (("Sì", "Yes", "Ja"), 2),
                ],
            ),
            (
                (
                    "Avete partecipato a fiere o incontri in Germania?",
                    "Have you taken part in fairs or meetings in Germany?",
                    "Haben Sie bereits an Messen oder Geschäftstreffen in Deutschland "
                    "teilgenommen?",
                ),
                [
                    (("Mai", "Never", "Noch nie"), 0),
                    (("Come visitatori", "As visitors", "Als Besucher"), 1),
                    (("Come espositori", "As exhibitors", "Als Aussteller"), 2),
                ],
            ),
        ],
    ),
    (
        "experience",
        1,
        ("Esperienza di export", "Export experience", "Exporterfahrung"),
        (
            "Il primo ordine all'estero è il passo più difficile: partite da un mercato vicino e "
            "da pochi clienti. Le missioni del Club con incontri B2B già fissati riducono tempi "
            "e costi del primo contatto.",
            "The first foreign order is the hardest step: start with a nearby market and a few "
            "customers. The Club's missions with B2B meetings already arranged cut the time "
            "and cost of the first contact.",
            "Der erste Auslandsauftrag ist der schwierigste Schritt: Beginnen Sie mit einem "
            "nahen Markt und wenigen Kunden. Die Delegationsreisen des Clubs mit fest "
            "vereinbarten B2B-Gesprächen sparen beim Erstkontakt Zeit und Kosten.",
        ),
        [
            (
                (
                    "Quanta parte del fatturato viene dall'estero?",
                    "What share of your turnover comes from abroad?",
                    "Welcher Anteil Ihres Umsatzes stammt aus dem Ausland?",
                ),
                [
                    (("Nessuna", "None", "Keiner"), 0),
                    (("Meno del 10%", "Less than 10%", "Weniger als 10 %"), 1),
                    (("Tra il 10 e il 30%", "10 to 30%", "10 bis 30 %"), 2),
                    (("Più del 30%", "More than 30%", "Mehr als 30 %"), 3),
                ],
            ),
            (
                (
                    "Avete già venduto in Germania o in un paese di lingua tedesca?",
                    "Have you already sold in Germany or another German-speaking country?",
                    "Haben Sie bereits nach Deutschland, Österreich oder in die Schweiz "
                    "verkauft?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (("Ordini occasionali", "Occasional orders", "Gelegentliche Aufträge"), 1),
                    (
                        ("Sì, clienti regolari", "Yes, regular customers", "Ja, Stammkunden"),
                        2,
                    ),
                ],
            ),
            (
                (
                    "Sapete gestire documenti e spedizioni verso l'estero?",
                    "Can you handle shipping and export paperwork?",
                    "Können Sie Versand und Exportpapiere selbst abwickeln?",
                ),
                [
                    (("No", "No", "Nein"), 0),
                    (
                        (
                            "Ci affidiamo allo spedizioniere",
                            "We rely on our forwarder",
                            "Wir verlassen uns auf den Spediteur",
                        ),
                        1,
                    ),
                    (
                        (
                            "Sì, in autonomia",
                            "Yes, on our own",
                            "Ja, eigenständig",
                        ),
                        2,
                    ),
                ],
            ),
        ],
    ),
]


def create_version_1(apps, schema_editor):
    Questionnaire = apps.get_model("checkup", "Questionnaire")
    Dimension = apps.get_model("checkup", "Dimension")
    Question = apps.get_model("checkup", "Question")
    Option = apps.get_model("checkup", "Option")
    if Questionnaire.objects.filter(version=1).exists():
        return
    questionnaire = Questionnaire.objects.create(
        version=1, status="published", published_at=timezone.now()
    )
    for d_order, (code, weight, names, advice, questions) in enumerate(DIMENSIONS, start=1):
        dimension = Dimension.objects.create(
            questionnaire=questionnaire,
            code=code,
            order=d_order,
            weight=weight,
            **_langs("name", names),
            **_langs("advice", advice),
        )
        for q_order, (texts, options) in enumerate(questions, start=1):
            question = Question.objects.create(
                dimension=dimension, order=q_order, weight=1, **_langs("text", texts)
            )
            for o_order, (labels, points) in enumerate(options, start=1):
                Option.objects.create(
                    question=question, order=o_order, points=points, **_langs("text", labels)
                )


def _langs(name, texts):
    it, en, de = texts
    return {name: it, f"{name}_it": it, f"{name}_en": en, f"{name}_de": de}


def remove_version_1(apps, schema_editor):
    Questionnaire = apps.get_model("checkup", "Questionnaire")
    CheckUp = apps.get_model("checkup", "CheckUp")
    CheckUp.objects.filter(questionnaire__version=1).delete()
    Questionnaire.objects.filter(version=1).delete()  # cascades to its texts


class Migration(migrations.Migration):
    dependencies = [("checkup", "0001_questionnaire_and_checkups")]

    operations = [migrations.RunPython(create_version_1, remove_version_1)]
