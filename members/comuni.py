"""The comuni of the province of Sondrio (ISTAT list, 2024): the choices for a firm's seat."""

COMUNI_SONDRIO = [
    "Albaredo per San Marco", "Albosaggia", "Andalo Valtellino", "Aprica", "Ardenno", "Bema",
    "Berbenno di Valtellina", "Bianzone", "Bormio", "Buglio in Monte", "Caiolo", "Campodolcino",
    "Caspoggio", "Castello dell'Acqua", "Castione Andevenno", "Cedrasco", "Cercino",
    "Chiavenna", "Chiesa in Valmalenco", "Chiuro", "Cino", "Civo", "Colorina",
    "Cosio Valtellino", "Dazio", "Delebio", "Dubino", "Faedo Valtellino", "Forcola", "Fusine",
    "Gerola Alta", "Gordona", "Grosio", "Grosotto", "Lanzada", "Livigno", "Lovero",
    "Madesimo", "Mantello", "Mazzo di Valtellina", "Mello", "Mese", "Montagna in Valtellina",
    "Morbegno", "Novate Mezzola", "Pedesina", "Piantedo", "Piateda", "Piuro", "Poggiridenti",
    "Ponte in Valtellina", "Postalesio", "Prata Camportaccio", "Rasura", "Rogolo", "Samolaco",
    "San Giacomo Filippo", "Sernio", "Sondalo", "Sondrio", "Spriana", "Talamona", "Tartano",
    "Teglio", "Tirano", "Torre di Santa Maria", "Tovo di Sant'Agata", "Traona", "Tresivio",
    "Val Masino", "Valdidentro", "Valdisotto", "Valfurva", "Valgerola", "Verceia", "Vervio",
    "Villa di Chiavenna", "Villa di Tirano",
]  # fmt: skip

COMUNE_CHOICES = [(name, name) for name in COMUNI_SONDRIO]
