"""Name pools and text templates for generated titles, people and synopses.

Every person the simulator credits outside the slate is an invented combination of the
given and family names below; titles are built from word pools so they read like streaming
titles (English, as Netflix lists most titles, with some kept in their original language,
accents included, so slugs and search have something to chew on).
"""

from __future__ import annotations

import numpy as np

# language -> (given names, family names, family name first?)
_PEOPLE: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "en": (("Maya", "Elliot", "Nora", "Caleb", "Tessa", "Rowan", "Iris", "Declan", "June",
            "Silas", "Hazel", "Miles", "Wren", "Felix", "Clara", "Jonah"),
           ("Whitlock", "Harrow", "Calloway", "Pennington", "Ashby", "Marlowe", "Thorne",
            "Kessling", "Ellery", "Hale", "Okonkwo", "Quill", "Stanmore", "Vance", "Winslow",
            "Featherby"), False),
    "ko": (("Seo-rin", "Ha-yul", "Do-gyeom", "Ye-seul", "Tae-rim", "Ji-ho", "Eun-chae",
            "Si-on", "Na-rae", "Geon-u", "Bo-ram", "Han-gyeol", "Yeon-woo", "Da-on"),
           ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Oh",
            "Seo", "Kwon", "Hwang", "Ahn", "Baek"), True),
    "ja": (("Haruto", "Aoi", "Sora", "Mei", "Riku", "Hina", "Kaito", "Yui", "Itsuki",
            "Koharu", "Minato", "Tsumugi"),
           ("Takanashi", "Morikawa", "Hoshino", "Kirishima", "Asahina", "Mizuhara",
            "Shirakawa", "Tsukishima", "Amamiya", "Natsume", "Fujimura", "Oginome"), False),
    "es": (("Lucía", "Mateo", "Valentina", "Diego", "Ximena", "Joaquín", "Renata", "Tomás",
            "Paloma", "Emilio", "Inés", "Rodrigo"),
           ("Arrieta", "Villanueva", "Castañeda", "Echeverría", "Montalvo", "Quiroga",
            "Salcedo", "Ibarra", "Zamora", "Olmedo", "Cifuentes", "Valderrama"), False),
    "fr": (("Camille", "Théo", "Margaux", "Bastien", "Élodie", "Lucien", "Anaïs", "Gaspard",
            "Noémie", "Octave"),
           ("Fontaine", "Marchand", "Lefèvre", "Beaumont", "Garnier", "Vasseur", "Chevalier",
            "Duval", "Lemaire", "Perrin"), False),
    "de": (("Lena", "Jonas", "Mira", "Lukas", "Frieda", "Anton", "Greta", "Matthis", "Ilse",
            "Konrad"),
           ("Brenner", "Hartmann", "Vogt", "Adler", "Falkner", "Reuter", "Winkler",
            "Albrecht", "Seidel", "Lindemayr"), False),
    "hi": (("Aarav", "Diya", "Kabir", "Ananya", "Vihaan", "Ira", "Arjun", "Meera", "Rohan",
            "Tara"),
           ("Malhotra", "Sehgal", "Iyer", "Bhatt", "Kapadia", "Rathore", "Chawla", "Desai",
            "Menon", "Bose"), False),
    "pt": (("Thiago", "Beatriz", "Rafael", "Larissa", "Caio", "Helena", "Davi", "Marina",
            "Otávio", "Luana"),
           ("Albuquerque", "Figueiredo", "Monteiro", "Bragança", "Teixeira", "Sampaio",
            "Guimarães", "Rezende", "Pimentel", "Valadares"), False),
    "it": (("Giulia", "Matteo", "Chiara", "Lorenzo", "Ginevra", "Edoardo", "Tommaso",
            "Aurora", "Niccolò", "Benedetta"),
           ("Moretti", "Galli", "Ferraro", "Marchetti", "Santoro", "Rinaldi", "Fabbri",
            "Vitale", "Colombo", "Caruso"), False),
    "tr": (("Elif", "Emir", "Zeynep", "Kerem", "Defne", "Arda", "Ecem", "Baran", "İpek",
            "Yiğit"),
           ("Aydın", "Yıldız", "Demirci", "Kaplan", "Öztürk", "Çelik", "Arslan", "Erdem",
            "Korkmaz", "Şahin"), False),
    "pl": (("Zofia", "Kacper", "Maja", "Szymon", "Alicja", "Wiktor", "Hanna", "Filip"),
           ("Nowak", "Wójcik", "Kowal", "Mazur", "Krawczyk", "Dudek", "Sobczak", "Pawlak"),
           False),
    "th": (("Ploy", "Krit", "Nok", "Thanwa", "Fah", "Pakin", "Mai", "Tawan"),
           ("Srisuk", "Wongsakul", "Chaiyaporn", "Rattanakorn", "Boonmee", "Sukprasert",
            "Thongdee", "Kaewmanee"), False),
    "zh": (("Yu-ting", "Chia-hao", "Hsin-yi", "Wei-lun", "Pei-shan", "Tzu-han", "Kuan-yu",
            "Shu-fen"),
           ("Lin", "Chen", "Huang", "Wu", "Tsai", "Hsu", "Cheng", "Liao"), True),
    "id": (("Ayu", "Bima", "Citra", "Dimas", "Laras", "Raka", "Sekar", "Tegar"),
           ("Wibowo", "Santoso", "Pratama", "Halim", "Kusuma", "Nugroho", "Saputra",
            "Wijaya"), False),
    "ar": (("Layla", "Omar", "Nour", "Karim", "Yasmin", "Tarek", "Salma", "Ziad"),
           ("Haddad", "Mansour", "Khalil", "Nasser", "Saleh", "Farouk", "Aziz", "Hamdan"),
           False),
    "nordic": (("Astrid", "Linnea", "Viggo", "Sigrid", "Elias", "Freja", "Oskar", "Ebba",
                "Halvard", "Tuva"),
               ("Lindqvist", "Sandberg", "Holm", "Dahl", "Berggren", "Nyberg", "Strand",
                "Solberg", "Ekdahl", "Rasmussen"), False),
    "nl": (("Sanne", "Daan", "Fenna", "Joris", "Lotte", "Bram", "Noor", "Sem"),
           ("van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Graaf", "Mulder",
            "van Leeuwen"), False),
}


def _pool(language: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    key = "nordic" if language in ("sv", "da", "no") else language
    return _PEOPLE.get(key, _PEOPLE["en"])


def person(rng: np.random.Generator, language: str) -> str:
    """An invented full name in the naming style of ``language``."""
    given, family, family_first = _pool(language)
    g = given[int(rng.integers(len(given)))]
    f = family[int(rng.integers(len(family)))]
    return f"{f} {g}" if family_first else f"{g} {f}"


def given_name(rng: np.random.Generator, language: str) -> str:
    """An invented given name, for synopses."""
    given = _pool(language)[0]
    return given[int(rng.integers(len(given)))]


# --- titles ------------------------------------------------------------------------------

_ADJ = ("Silent", "Last", "Hidden", "Broken", "Golden", "Midnight", "Crimson", "Quiet", "Wild",
        "Forgotten", "Burning", "Secret", "Little", "Lonely", "Electric", "Frozen", "Sweet",
        "Endless", "Borrowed", "Restless", "Paper", "Glass", "Velvet", "Hollow", "Northern",
        "Lucky", "Fallen", "Perfect", "Distant", "Salt", "Neon", "Second")
_NOUN = ("Harbor", "Promise", "Kingdom", "Garden", "Signal", "River", "Orchard", "Verdict",
         "Lantern", "Summer", "Witness", "Tide", "Heist", "Compass", "Mirror", "Island",
         "Chorus", "Letter", "Inheritance", "Frontier", "Shadow", "Village", "Tower", "Alibi",
         "Passenger", "Bargain", "Horizon", "Echo", "Vow", "Masquerade", "Detour", "Recipe",
         "Crossing", "Storm", "Orbit", "Debt", "Kitchen", "Lighthouse")
_ENGLISH_PATTERNS = (
    "The {adj} {noun}", "{adj} {noun}", "The {noun} of {given}", "A {noun} for {given}",
    "{given}'s {noun}", "The {noun} Between Us", "Before the {noun}", "{noun} & {noun2}",
    "After the {noun}", "{adj} {noun}: The {noun2}", "The {adj} {noun}s", "Under the {noun}",
    "{given} and the {noun}", "The Last {noun}", "Love in {city}", "Nights in {city}",
    "The {noun} Club", "{adj} Hearts", "Finding {given}", "The {noun} Keeper",
)
# Titles kept in their original language (placeholders filled from the same pools).
_NATIVE_PATTERNS: dict[str, tuple[str, ...]] = {
    "es": ("El secreto de {given}", "La casa de {family}", "Corazón de {city}",
           "Los días de {given}", "Noches en {city}", "La última canción", "El año de {given}"),
    "fr": ("Les Étoiles de {city}", "Le Dernier Été", "L'Héritière de {family}",
           "Une saison à {city}", "Mon frère {given}", "Les Enfants de {city}"),
    "de": ("Die Stille von {city}", "Der letzte Sommer", "Das Erbe der {family}",
           "Zwischen {city} und dem Meer", "Nachtfahrt"),
    "it": ("La notte di {given}", "Il segreto di {city}", "L'estate perduta",
           "I giorni di {given}"),
    "pt": ("O Segredo de {given}", "Cidade de {given}", "A Última Estação",
           "Verão em {city}"),
    "tr": ("Gece Yarısı", "Kırık Kalpler", "Kayıp Mektup", "Son Bahar", "Gölgeler"),
    "pl": ("Cisza nad {city}", "Ostatnie lato", "Dom {family}"),
    "sv": ("Vinterljus", "Den sista sommaren", "Mörkret i {city}"),
    "da": ("Stormens øje", "Den lange nat", "Hjem til {city}"),
    "no": ("Fjorden", "Nordlys over {city}", "Det siste året"),
    "nl": ("De stille zomer", "Het huis aan de gracht", "Nachten in {city}"),
}
NATIVE_TITLE_SHARE = 0.3

CITIES: dict[str, tuple[str, ...]] = {
    "US": ("New York", "Los Angeles", "Chicago", "New Orleans", "Seattle", "Austin",
           "a small Ohio town"),
    "GB": ("London", "Manchester", "Glasgow", "Liverpool", "a Cornish village"),
    "CA": ("Toronto", "Vancouver", "Montreal"), "AU": ("Sydney", "Melbourne", "Perth"),
    "IE": ("Dublin", "Galway"), "NZ": ("Auckland", "Wellington"),
    "ZA": ("Cape Town", "Johannesburg"), "KR": ("Seoul", "Busan", "Incheon", "Daegu", "Jeju"),
    "ES": ("Madrid", "Barcelona", "Sevilla", "Valencia"),
    "MX": ("Ciudad de México", "Guadalajara", "Monterrey", "Oaxaca"),
    "AR": ("Buenos Aires", "Córdoba"), "CO": ("Bogotá", "Medellín", "Cartagena"),
    "CL": ("Santiago", "Valparaíso"), "JP": ("Tokyo", "Osaka", "Kyoto", "Sapporo"),
    "FR": ("Paris", "Marseille", "Lyon"), "BE": ("Bruxelles", "Antwerpen"),
    "DE": ("Berlin", "Hamburg", "München", "Köln"), "AT": ("Wien", "Graz"),
    "IN": ("Mumbai", "Delhi", "Kolkata", "Bengaluru"),
    "BR": ("São Paulo", "Rio de Janeiro", "Salvador"), "PT": ("Lisboa", "Porto"),
    "IT": ("Roma", "Napoli", "Milano", "Torino"), "TR": ("Istanbul", "Izmir", "Ankara"),
    "PL": ("Warszawa", "Kraków", "Gdańsk"), "TH": ("Bangkok", "Chiang Mai"),
    "TW": ("Taipei", "Kaohsiung"), "HK": ("Hong Kong",), "ID": ("Jakarta", "Bandung", "Bali"),
    "EG": ("Cairo", "Alexandria"), "SA": ("Riyadh", "Jeddah"), "JO": ("Amman",),
    "SE": ("Stockholm", "Göteborg", "Malmö"), "DK": ("København", "Aarhus"),
    "NO": ("Oslo", "Bergen"), "NL": ("Amsterdam", "Rotterdam"),
}


def city(rng: np.random.Generator, origin: str) -> str:
    """A setting in the title's country of origin."""
    pool = CITIES.get(origin, CITIES["US"])
    return pool[int(rng.integers(len(pool)))]


def title_text(rng: np.random.Generator, language: str, origin: str) -> str:
    """A fresh-sounding title; callers retry on a clash with an existing one."""
    pick = lambda pool: pool[int(rng.integers(len(pool)))]  # noqa: E731
    native = _NATIVE_PATTERNS.get(language)
    if native and rng.random() < NATIVE_TITLE_SHARE:
        pattern = pick(native)
    else:
        pattern = pick(_ENGLISH_PATTERNS)
    noun = pick(_NOUN)
    noun2 = pick(tuple(n for n in _NOUN if n != noun))
    _, family, _ = _pool(language)
    return pattern.format(
        adj=pick(_ADJ), noun=noun, noun2=noun2, given=given_name(rng, language),
        family=pick(family), city=city(rng, origin),
    )


# --- genres and synopses -----------------------------------------------------------------

FILM_GENRES: dict[str, float] = {
    "drama": 14, "thriller": 12, "action": 11, "comedy": 11, "romance": 8, "crime": 7,
    "horror": 6, "sci-fi": 5, "documentary": 5, "animation": 5, "family": 4, "fantasy": 3,
    "mystery": 3, "war": 2, "coming of age": 2, "sports": 1, "musical": 1,
}
TV_GENRES: dict[str, float] = {
    "drama": 14, "crime": 10, "thriller": 9, "comedy": 9, "romance": 8, "reality": 7,
    "docuseries": 6, "fantasy": 5, "anime": 4, "mystery": 5, "historical": 4, "sci-fi": 4,
    "teen": 3, "horror": 3, "action": 3,
}
_STANDALONE = ("documentary", "docuseries", "reality")

_ROLES = ("a retired detective", "a young surgeon", "a struggling chef", "a rookie lawyer",
          "a single father", "a reclusive novelist", "a small-town teacher", "a former boxer",
          "an ambitious journalist", "a night-shift nurse", "a gifted hacker",
          "a wedding planner", "a reluctant heiress", "a taxi driver", "a marine biologist",
          "a washed-up musician", "a high-school student", "a charming con artist",
          "a grieving widow", "an idealistic prosecutor")
_PLOTS: dict[str, tuple[str, ...]] = {
    "thriller": ("uncovers a secret that powerful people want buried",
                 "receives a message from someone who died years ago",
                 "is framed for a crime they did not commit"),
    "action": ("must pull off one last job", "takes on a ruthless syndicate",
               "races to stop a heist that could topple the city"),
    "drama": ("returns home to care for an ailing parent",
              "fights to keep the family business alive",
              "confronts the past after an unexpected inheritance"),
    "comedy": ("fakes an engagement to win an inheritance",
               "accidentally becomes the face of a viral campaign",
               "swaps lives with a stranger for one chaotic week"),
    "romance": ("falls for the one person they swore to avoid",
                "rekindles a first love during a rainy summer",
                "signs a fake-dating contract that starts to feel real"),
    "crime": ("goes undercover inside a smuggling ring", "hunts a killer who leaves riddles",
              "plans the perfect robbery with a crew of misfits"),
    "horror": ("moves into a house that remembers its previous owners",
               "hears the voices of a village that vanished overnight"),
    "sci-fi": ("intercepts a signal from thirty years in the future",
               "wakes up in a city where nobody ages"),
    "fantasy": ("inherits the power to see how many days people have left",
                "makes a bargain with a spirit bound to an old inn"),
    "mystery": ("investigates a string of disappearances", "inherits a locked diary"),
    "family": ("sets off on a road trip with a stubborn grandparent",
               "adopts a dog that seems to understand everything"),
    "animation": ("befriends a lost star that fell into the harbor",
                  "sets out to return a dragon egg to its mountain"),
    "war": ("leads a desperate evacuation in the last days of a war",),
    "coming of age": ("navigates first love and final exams",),
    "sports": ("coaches a team of underdogs to an impossible final",),
    "musical": ("chases a place in the most famous choir in the country",),
    "historical": ("rises from servant to power in a court full of intrigue",),
    "teen": ("starts at an elite academy where every student hides something",),
    "anime": ("joins a squad that fights monsters born from forgotten dreams",),
}
_TWISTS = ("", "", " But nothing is what it seems.", " Old rivalries resurface.",
           " Time is running out.", " Some secrets refuse to stay buried.",
           " Love makes everything harder.")
_DOCS = ("This documentary follows {given}, {role}, through one extraordinary year in {city}.",
         "An intimate look at the people behind a famous restaurant in {city}.",
         "Archival footage and new interviews revisit a scandal that gripped {city}.")
_REALITY = ("Singles in {city} look for love while sharing one house and no phones.",
            "Home cooks from across the country compete in {city} for a life-changing prize.",
            "Ambitious designers battle it out in {city}, one elimination at a time.")


def pick_genres(rng: np.random.Generator, kind: str, language: str) -> tuple[str, ...]:
    """One to three genres; anime and animation follow the language's habits."""
    table = TV_GENRES if kind == "tv" else FILM_GENRES
    names = list(table)
    weights = np.array([table[n] for n in names], dtype=float)
    if language == "ja":
        weights[names.index("anime" if kind == "tv" else "animation")] *= 6
    if language == "ko":
        weights[names.index("romance")] *= 1.6
    weights /= weights.sum()
    first = names[int(rng.choice(len(names), p=weights))]
    if first in _STANDALONE:
        return (first,)
    extra = int(rng.choice(3, p=[0.45, 0.4, 0.15]))
    chosen = [first]
    for _ in range(extra):
        other = names[int(rng.choice(len(names), p=weights))]
        if other not in chosen and other not in _STANDALONE:
            chosen.append(other)
    return tuple(chosen)


def synopsis(rng: np.random.Generator, genres: tuple[str, ...], language: str,
             origin: str) -> str:
    """A one- or two-sentence synopsis from the genre's templates."""
    pick = lambda pool: pool[int(rng.integers(len(pool)))]  # noqa: E731
    where = city(rng, origin)
    first = genres[0]
    if first in ("documentary", "docuseries"):
        return pick(_DOCS).format(given=given_name(rng, language), role=pick(_ROLES),
                                  city=where)
    if first == "reality":
        return pick(_REALITY).format(city=where)
    plot = pick(_PLOTS.get(first, _PLOTS["drama"]))
    return f"{given_name(rng, language)}, {pick(_ROLES)} in {where}, {plot}.{pick(_TWISTS)}"
