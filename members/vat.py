from stdnum import luhn


def example_vat_number(serial: int, office: int = 98) -> str:
    """A valid partita IVA for demo data and tests: 7-digit serial, office code, Luhn digit.

    Office 098 is Sondrio's provincial office code.
    """
    base = f"{serial % 10_000_000:07d}{office:03d}"
    if int(base[:7]) == 0:
        base = "0000001" + base[7:]
    return base + luhn.calc_check_digit(base)
