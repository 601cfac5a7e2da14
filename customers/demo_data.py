"""Fixed reference data and word lists for the demo shop (PrestaShop's default ids)."""

LANGS = [(1, "Polski (Polish)", "pl", "pl-pl", "pl-PL"), (2, "English (English)", "en", "en-us", "en-US")]

# id_country, iso, call prefix, Polish name, English name
COUNTRIES = [
    (14, "PL", 48, "Polska", "Poland"),
    (1, "DE", 49, "Niemcy", "Germany"),
    (16, "CZ", 420, "Czechy", "Czech Republic"),
    (17, "GB", 44, "Wielka Brytania", "United Kingdom"),
]

CURRENCIES = [(1, "PLN", "Złoty polski"), (2, "EUR", "Euro")]

# id, colour, paid, shipped, delivery, logable, Polish name, English name
ORDER_STATES = [
    (1, "#4169E1", False, False, False, False, "Oczekiwanie na płatność czekiem", "Awaiting check payment"),
    (2, "#32CD32", True, False, False, True, "Płatność zaakceptowana", "Payment accepted"),
    (3, "#FF8C00", True, False, False, True, "Przygotowanie w toku", "Processing in progress"),
    (4, "#8A2BE2", True, True, False, True, "Wysłane", "Shipped"),
    (5, "#108510", True, True, True, True, "Dostarczone", "Delivered"),
    (6, "#DC143C", False, False, False, False, "Anulowane", "Canceled"),
    (7, "#ec2e15", True, False, False, False, "Zwrot pieniędzy", "Refunded"),
    (8, "#8f0621", False, False, False, False, "Błąd płatności", "Payment error"),
    (10, "#4169E1", False, False, False, False, "Oczekiwanie na płatność przelewem", "Awaiting bank wire payment"),
]

# id, name, tracking URL pattern ("@" = tracking number)
CARRIERS = [
    (1, "Odbiór osobisty", ""),
    (2, "InPost Paczkomaty 24/7", "https://inpost.pl/sledzenie-przesylek?number=@"),
    (3, "Kurier DPD", "https://tracktrace.dpd.com.pl/parcelDetails?typ=1&p1=@"),
    (4, "Poczta Polska", "https://emonitoring.poczta-polska.pl/?numer=@"),
]

FIRST_NAMES = [
    "Jan",
    "Anna",
    "Piotr",
    "Katarzyna",
    "Paweł",
    "Małgorzata",
    "Michał",
    "Agnieszka",
    "Krzysztof",
    "Barbara",
    "Łukasz",
    "Żaneta",
    "Grzegorz",
    "Ewa",
    "Tomasz",
    "Joanna",
    "Józef",
    "Elżbieta",
    "Mikołaj",
    "Jadwiga",
    "Bartłomiej",
    "Urszula",
    "Wojciech",
    "Zofia",
    "Maciej",
    "Beata",
    "Zbigniew",
    "Halina",
    "Sławomir",
    "Dorota",
]
LAST_NAMES = [
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Jankowski",
    "Mazur",
    "Kwiatkowski",
    "Krawczyk",
    "Piotrowski",
    "Grabowski",
    "Nowakowski",
    "Pawłowski",
    "Michalski",
    "Król",
    "Wieczorek",
    "Jabłoński",
    "Wróbel",
    "Gęś",
    "Zażółć",
    "Żółkiewski",
    "Świątek",
    "Łęcki",
]
CITIES = [
    ("Łódź", "90-001"),
    ("Kraków", "30-001"),
    ("Warszawa", "00-001"),
    ("Gdańsk", "80-001"),
    ("Poznań", "60-001"),
    ("Wrocław", "50-001"),
    ("Szczecin", "70-001"),
    ("Białystok", "15-001"),
    ("Częstochowa", "42-200"),
    ("Zielona Góra", "65-001"),
    ("Bielsko-Biała", "43-300"),
    ("Gniezno", "62-200"),
    ("Świnoujście", "72-600"),
    ("Ełk", "19-300"),
    ("Żyrardów", "96-300"),
    ("Łańcut", "37-100"),
]
STREETS = [
    "ul. Piotrkowska",
    "ul. Długa",
    "ul. Źródlana",
    "ul. Mickiewicza",
    "al. Jerozolimskie",
    "ul. Świętojańska",
    "ul. Żeromskiego",
    "ul. Łąkowa",
    "ul. Kościuszki",
    "os. Słoneczne",
]
COMPANIES = [
    "Gęś i Syn sp. z o.o.",
    "Zażółć Handel s.c.",
    "Łódzkie Meble S.A.",
    "Kowalski Transport",
    "Źdźbło Eko sp. j.",
    "Pracownia Ćma",
    "Biuro Rachunkowe Żak",
]
DOMAINS = ["gmail.com", "wp.pl", "onet.pl", "interia.pl", "o2.pl", "example.com"]
PRODUCTS = [
    "Kubek ceramiczny – Gęś",
    "Koszulka bawełniana (Rozmiar: M, Kolor: Żółty)",
    "Plecak miejski 25 l",
    "Świeca sojowa Łąka",
    "Zestaw noży kuchennych",
    "Poduszka dekoracyjna 45×45",
    "Latarka czołowa LED",
    "Kawa ziarnista 1 kg",
    "Herbata zielona Sencha",
    "Notes A5 w kropki",
    "Ładowarka USB-C 65 W",
    "Słuchawki bezprzewodowe",
    "Bidon stalowy 750 ml",
    "Koc z mikrofibry",
    "Ręcznik kąpielowy 70×140",
    "Pojemnik śniadaniowy",
    "Szalik wełniany",
    "Doniczka ceramiczna",
    "Torba na zakupy",
    "Puzzle 1000 elementów",
]
PHONE_WRITINGS = ["+48 {a} {b} {c}", "{a}-{b}-{c}", "{a}{b}{c}", "0048{a}{b}{c}", "({a}) {b} {c}", "+48{a}{b}{c}"]
NIP_WRITINGS = ["PL {a}-{b}-{c}-{d}", "{a}{b}{c}{d}", "{a}-{b}-{c}-{d}", "PL{a}{b}{c}{d}"]
