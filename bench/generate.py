"""A seeded generator of a national-scale data set in exchange format version 1 (shared/spec/exchange-format.md),
with version 2's columns of contacts.csv (`interpreter`, `place`) and version 2's casework: clients.csv's
`service_end`/`closure_reason`, episodes.csv, plans.csv, goals.csv, referrals.csv and assessments.csv.

    .venv/bin/python bench/generate.py bench/data/large                   # 250,000 persons, ~2.5M contacts
    .venv/bin/python bench/generate.py bench/data/small --persons 5000    # the small set
    .venv/bin/python bench/generate.py OUT --scale 0.1                     # 25,000 persons

The same seed and size always give byte-identical files. Rows are written as they are made:
memory stays flat (a few MB) whatever the size. Needs only the standard library, so it runs
without Django.

What it models (ten years, 2016-2025, 8 providers):
- persons arrive in units: ~28 % of units are families of 2-8 (about 60 % of persons), the rest
  single persons; a family shares country, arrival route, provider, service start, residence
  and legal-status history, and has parents, children and now and then a grandparent;
- arrivals per year follow the relocation peak of 2016-2017, the COVID dip and the 2022 peak;
- legal status: asylum seekers become refugees, alternative-status holders or are rejected
  3-18 months after the service starts (earlier statuses go to status_history.csv); resettled
  and relocated persons are mostly granted a status from the start; residence is the reception
  centre while seeking asylum, then a municipality;
- staff: each provider has positions for social workers and mentors sized by its caseload, each
  position held in turn by people staying 2-5 years; a client is assigned the staff holding
  positions in the year the service starts (or the hand-over);
- ~4 % of units are handed over to another provider in mid-service: the earlier contacts
  belong to the first provider;
- contacts per person are skewed (log-normal, mean ~10): most persons have a few, some many;
  in a family ~40 % of contacts name the family, the others one or two members; dates fall in
  the service period, denser at its start; forms shift to phone and electronic from March 2020;
  1-3 topics; durations 10 minutes to 4 hours; a few notes with commas, quotes and line breaks;
  about a fifth with an interpreter, and the place of most visits and accompaniments (version 2; drawn from a
  random stream of their own, so that every other cell is the same as before they were added);
- casework (version 2, from a third random stream, so that the files and cells above stay as they were):
  ~38 % of the persons' current episodes closed at their service's end (clients.csv `service_end`,
  `closure_reason`); ~11 % of units with an earlier, closed episode (episodes.csv, mostly the same provider);
  ~40 % of persons with a plan (a family's plan or an adult's own) of the case's social worker, with 1-4
  goals of distinct areas, about two thirds of them with an outcome; ~1 referral a person (mentor or social
  worker, the catalogue's institutions, some linked to a goal of the person's plan, outcomes mostly
  completed); ~1.5 assessments a person (an intake for 70 %, reviews months apart, a closure assessment at
  the end of some closed cases), scores 1-5 tending to improve.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime
import math
import random
import sys
import time
from pathlib import Path

FIRST_DAY = datetime.date(2016, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)
YEARS = list(range(2016, 2026))
DEFAULT_PERSONS = 250_000
DEFAULT_CONTACTS_PER_PERSON = 10.0

PROVIDERS = [
    # code, name, share of the persons
    ("LSK", "Latvijas Sarkanais Krusts", 0.24),
    ("CARITAS", "Caritas Latvija", 0.19),
    ("PDM", "Patvērums Drošā māja", 0.16),
    ("SIF", "Sabiedrības integrācijas fonds", 0.11),
    ("DIAKONIJA", "Latvijas Evaņģēliski luteriskās baznīcas Diakonijas centrs", 0.10),
    ("RIGA-SD", "Rīgas Sociālais dienests", 0.09),
    ("KURZEME", "Kurzemes atbalsta centrs", 0.06),
    ("LATGALE", "Latgales integrācijas centrs", 0.05),
]
# Arrivals by year: relocation 2016-17, quiet years, COVID, the 2022 peak.
YEAR_WEIGHTS = {
    2016: 1.4,
    2017: 1.3,
    2018: 0.8,
    2019: 0.8,
    2020: 0.5,
    2021: 0.9,
    2022: 1.8,
    2023: 1.2,
    2024: 1.0,
    2025: 0.9,
}
COUNTRIES = [
    ("SY", 17),
    ("AF", 14),
    ("IQ", 9),
    ("UA", 9),
    ("RU", 7),
    ("ER", 5),
    ("TJ", 4),
    ("BY", 4),
    ("GE", 4),
    ("TR", 4),
    ("IR", 3),
    ("VN", 2),
    ("IN", 2),
    ("NG", 2),
    ("YE", 2),
    ("SO", 2),
    ("CM", 1),
    ("PK", 2),
    ("AZ", 1),
    ("EG", 1),
    ("LB", 1),
    ("PS", 1),
    ("SD", 1),
    ("CU", 1),
    ("ET", 1),
    ("", 2),
]
ROUTES = [("independent", 55), ("relocation", 15), ("resettlement", 8), ("family_reunification", 12), ("", 10)]
MUNICIPALITIES = [
    ("Rīga", 55),
    ("Jelgava", 6),
    ("Daugavpils", 5),
    ("Liepāja", 5),
    ("Ogre", 4),
    ("Saldus", 4),
    ("Jūrmala", 5),
    ("Valmiera", 4),
    ("Cēsis", 3),
    ("Ventspils", 3),
    ("Sigulda", 3),
    ("Tukums", 3),
]
TOPICS = [
    ("documents", 16),
    ("housing", 14),
    ("health", 13),
    ("employment", 10),
    ("education", 7),
    ("language", 8),
    ("benefits", 9),
    ("social_services", 8),
    ("children", 6),
    ("crisis", 2),
    ("daily_life", 5),
    ("other", 2),
]
DURATIONS = [(10, 6), (15, 12), (20, 10), (30, 18), (45, 12), (60, 16), (90, 9), (120, 8), (180, 5), (240, 3), ("", 5)]
FAMILY_SIZES = [(2, 25), (3, 25), (4, 22), (5, 14), (6, 8), (7, 4), (8, 2)]
P_FAMILY_UNIT = 0.283  # of units; with a mean size ~3.8 about 60 % of persons live in families
P_HANDOVER = 0.04
FEMALE = [
    "Amina",
    "Fatima",
    "Zahra",
    "Maryam",
    "Leila",
    "Nadia",
    "Olena",
    "Iryna",
    "Tatiana",
    "Samira",
    "Aisha",
    "Hana",
    "Yasmin",
    "Nino",
    "Mariam",
    "Fereshteh",
    "Rahima",
    "Selam",
    "Oksana",
    "Natalia",
    "Lina",
    "Zainab",
]
MALE = [
    "Ahmad",
    "Mohammad",
    "Ali",
    "Hassan",
    "Omar",
    "Yusuf",
    "Mustafa",
    "Ibrahim",
    "Khalid",
    "Tariq",
    "Bilal",
    "Dmytro",
    "Oleksandr",
    "Andrii",
    "Giorgi",
    "Rustam",
    "Farhod",
    "Abdullah",
    "Samir",
    "Daniel",
    "Karim",
    "Reza",
]
LAST = [
    "Ahmadi",
    "Hosseini",
    "Khalil",
    "Haddad",
    "Nasser",
    "Rahimi",
    "Karimi",
    "Mohammadi",
    "Shevchenko",
    "Kovalenko",
    "Bondarenko",
    "Popov",
    "Ivanov",
    "Beridze",
    "Kapanadze",
    "Rahmonov",
    "Nazarov",
    "Tesfaye",
    "Mekonnen",
    "Abdi",
    "Yilmaz",
    "Demir",
    "Nguyen",
    "Okafor",
    "Al-Hassan",
    "Saleh",
    "Mansour",
    "Aziz",
    "Qureshi",
    "Jafari",
]
STAFF_FIRST = [
    "Rūta",
    "Edgars",
    "Ēriks",
    "Sanita",
    "Ilze",
    "Jānis",
    "Laura",
    "Kristaps",
    "Anna",
    "Māris",
    "Inese",
    "Dace",
    "Artūrs",
    "Līga",
    "Gatis",
    "Zane",
    "Elīna",
    "Mārtiņš",
]
STAFF_LAST = [
    "Pētersons",
    "Kalniņš",
    "Šmits",
    "Ozola",
    "Bērziņš",
    "Liepiņa",
    "Krūmiņš",
    "Zariņa",
    "Vītols",
    "Jansone",
    "Eglītis",
    "Balode",
]
NOTES = [
    'Pavadīja uz "Rīgas 1. slimnīcu", pierakstīja pie ārsta; nākamā vizīte pēc 2 nedēļām.',
    "Consultation about the rent contract, landlord wants a deposit, client worried.",
    "Klients lūdz palīdzību ar bērna reģistrāciju skolā.\nJāsazinās ar skolas direktori.",
    "Called NVA about the language course; waiting list, call again in March.",
    "Palīdzēja aizpildīt pabalsta iesniegumu sociālajam dienestam.",
    "=SUM(A1) typed by mistake; client asked about the residence permit, documents to PMLP.",
]
FORMS_BEFORE_COVID = [("in_person", 55), ("accompaniment", 30), ("phone", 10), ("electronic", 5)]
FORMS_COVID = [("in_person", 20), ("accompaniment", 10), ("phone", 42), ("electronic", 28)]  # 2020-03 .. 2021-12
FORMS_AFTER = [("in_person", 42), ("accompaniment", 23), ("phone", 22), ("electronic", 13)]
COVID_START, COVID_END = datetime.date(2020, 3, 13), datetime.date(2021, 12, 31)
# Where an in-person contact or an accompaniment took place (contacts.csv `place`, version 2).
PLACES = [
    ("", 30),
    ("Klienta dzīvesvieta", 25),
    ("PMLP Rīgas 1. nodaļa", 10),
    ("NVA Rīgas filiāle", 10),
    ('Rīgas 1. slimnīca, "Uzņemšanas nodaļa"', 8),
    ("Rīgas Sociālais dienests", 10),
    ("Skola", 7),
]


# The casework of exchange format version 2 (plans, goals, referrals, assessments, episodes, closures): drawn from
# a random stream of its own (seed + 2), so that every cell of the files above stays as it was before.
AREAS = [
    "documents",
    "housing",
    "health",
    "employment",
    "education",
    "language",
    "benefits",
    "social_services",
    "children",
    "daily_life",
]
GOAL_TITLES = {
    "documents": "Saņemt uzturēšanās atļauju",
    "housing": "Atrast pastāvīgu dzīvesvietu",
    "health": "Piereģistrēties pie ģimenes ārsta",
    "employment": "Atrast darbu",
    "education": "Bērni uzsāk mācības skolā",
    "language": "Apgūt latviešu valodu A2 līmenī",
    "benefits": "Saņemt pienākošos pabalstus",
    "social_services": "Sadarbība ar sociālo dienestu",
    "children": "Bērnudārza vieta",
    "daily_life": "Patstāvīgi kārtot ikdienas lietas",
}
GOAL_OUTCOMES = [("achieved", 40), ("partly_achieved", 18), ("not_achieved", 17), ("dropped", 15)]
INSTITUTIONS = {
    # kind: (weight, names; "" = no institution named)
    "migration": (11, ["PMLP Rīgas 1. nodaļa", "PMLP Daugavpils nodaļa"]),
    "employment": (10, ["NVA Rīgas filiāle", "NVA Saldus filiāle", "NVA Jelgavas filiāle"]),
    "municipal_social": (12, ["Rīgas Sociālais dienests", "Ogres novada Sociālais dienests"]),
    "health": (9, ["Rīgas 1. slimnīca", "Ģimenes ārsta prakse"]),
    "education": (8, ["Rīgas 64. vidusskola", "Jelgavas 4. vidusskola"]),
    "language_course": (9, ["Valodu mācību centrs"]),
    "housing": (10, ["", "Rīgas namu pārvaldnieks"]),
    "bank": (7, ["Swedbank", "SEB banka"]),
    "legal_aid": (9, ["Juridiskās palīdzības administrācija"]),
    "ngo": (7, ["Gribu palīdzēt bēgļiem"]),
    "other": (8, [""]),
}
REFERRALS_A_PERSON = [(0, 38), (1, 33), (2, 18), (3, 8), (4, 3)]  # mean ~1.05
REFERRAL_OUTCOMES = [("completed", 50), ("made", 8), ("not_successful", 15), ("refused", 9), ("cancelled", 9)]
OUTCOME_REASONS = [
    ("no_capacity", 20),
    ("not_eligible", 14),
    ("language_barrier", 13),
    ("other", 12),
    ("documents_missing", 10),
    ("client_absent", 10),
    ("client_declined", 7),
]
REVIEWS = [(0, 30), (1, 35), (2, 25), (3, 10)]  # after an intake: ~1.5 assessments a person with the closures
CLOSURE_REASONS = [
    ("goals_achieved", 22),
    ("moved_within_latvia", 12),
    ("left_latvia", 18),
    ("transferred_to_municipality", 14),
    ("no_longer_eligible", 8),
    ("declined_service", 6),
    ("lost_contact", 12),
    ("deceased", 1),
    ("other", 7),
]
P_PLAN = 0.48  # of units: ~40 % of persons have a plan (a family's, or their own: not every member has one)
P_CLOSED = 0.45  # of the units whose service ended before the last month: the current episode is closed
P_EARLIER_EPISODE = 0.11  # of units: an earlier episode, closed, before the current one (a reopened case)


class Weighted:
    """Draws from (value, weight) pairs with one random() and a bisect: fast enough for millions of draws."""

    def __init__(self, pairs: list) -> None:
        self.values = [v for v, _ in pairs]
        total = float(sum(w for _, w in pairs))
        acc, self.cum = 0.0, []
        for _, w in pairs:
            acc += w / total
            self.cum.append(acc)
        self.cum[-1] = 1.0

    def __call__(self, rng: random.Random):
        x = rng.random()
        lo, hi = 0, len(self.cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cum[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return self.values[lo]


@dataclasses.dataclass(slots=True)
class Case:
    """One unit's service, as its casework (version 2) is drawn from it."""

    refs: list[str]
    starts: list[datetime.date]
    family_ref: str
    start: datetime.date
    end: datetime.date
    handover: tuple[datetime.date, int, int] | None  # (day, from provider, to provider)
    provider: int
    mentor: str
    social_worker: str
    closure: tuple[datetime.date, str] | None  # the current episode's end and reason, when closed


def add_days(day: datetime.date, n: int) -> datetime.date:
    return day + datetime.timedelta(days=n)


def add_months(day: datetime.date, months: int) -> datetime.date:
    y, m = divmod(day.month - 1 + months, 12)
    return datetime.date(day.year + y, m + 1, min(day.day, 28))


class Generator:
    def __init__(self, out: Path, *, persons: int, contacts_per_person: float, seed: int) -> None:
        self.out = out
        self.persons = persons
        self.cpp = contacts_per_person
        self.rng = random.Random(seed)
        # Version 2's columns from a stream of their own: the other cells stay those of version 1's data set.
        self.v2_rng = random.Random(seed + 1)
        self.case_rng = random.Random(seed + 2)  # the casework files and clients.csv's closures (version 2)
        self.goal_outcome = Weighted(GOAL_OUTCOMES)
        self.institution_kind = Weighted([(kind, weight) for kind, (weight, _names) in INSTITUTIONS.items()])
        self.referrals_a_person = Weighted(REFERRALS_A_PERSON)
        self.referral_outcome = Weighted(REFERRAL_OUTCOMES)
        self.outcome_reason = Weighted(OUTCOME_REASONS)
        self.reviews = Weighted(REVIEWS)
        self.closure_reason = Weighted(CLOSURE_REASONS)
        self.place = Weighted(PLACES)
        self.country = Weighted(COUNTRIES)
        self.route = Weighted(ROUTES)
        self.municipality = Weighted(MUNICIPALITIES)
        self.topic = Weighted(TOPICS)
        self.duration = Weighted(DURATIONS)
        self.family_size = Weighted(FAMILY_SIZES)
        self.year = Weighted(list(YEAR_WEIGHTS.items()))
        self.provider = Weighted([(i, share) for i, (_, _, share) in enumerate(PROVIDERS)])
        self.forms = (Weighted(FORMS_BEFORE_COVID), Weighted(FORMS_COVID), Weighted(FORMS_AFTER))
        # Log-normal contacts a unit, sigma 1: mean = exp(mu + 1/2). Families have 0.75 rows a member
        # (one row serves several), so a unit-person's mean is raised to keep `contacts_per_person` rows
        # a person overall; the max(1, .) and rounding add ~0.3.
        per_unit_person = contacts_per_person / (0.4 + 0.6 * 0.75)
        self.mu = math.log(max(per_unit_person - 0.3, 0.5)) - 0.5
        self.counts = {
            "providers": 0,
            "contracts": 0,
            "staff": 0,
            "clients": 0,
            "status_history": 0,
            "contacts": 0,
            "episodes": 0,
            "plans": 0,
            "goals": 0,
            "referrals": 0,
            "assessments": 0,
        }
        self.plan_no = self.goal_no = self.referral_no = self.assessment_no = 0
        self.contact_no = 0
        self.client_no = 0
        self.family_no = 0

    # Staff: positions held in turn ----------------------------------------------------------------

    def make_staff(self, writer) -> None:
        """pools[provider][role][year] = the staff refs holding that role's positions in that year."""
        self.pools: list[dict[str, dict[int, list[str]]]] = []
        for code, _name, share in PROVIDERS:
            persons = self.persons * share
            # Persons in service at once: ~ a tenth of ten years' persons times 1.5 years of service.
            active = persons * 0.15
            positions = {"social_worker": max(2, round(active / 150)), "mentor": max(10, round(active / 40))}
            pools: dict[str, dict[int, list[str]]] = {}
            for role, n in positions.items():
                pools[role] = {year: [] for year in YEARS}
                tag = "SW" if role == "social_worker" else "M"
                number = 0
                for _ in range(n):
                    year = YEARS[0] - self.rng.randint(0, 3)
                    while year <= YEARS[-1]:
                        stay = self.rng.randint(2, 5)
                        number += 1
                        ref = f"{code}-{tag}{number:04d}"
                        first, last = self.rng.choice(STAFF_FIRST), self.rng.choice(STAFF_LAST)
                        writer.writerow([ref, first, last, role, code, f"{ref.lower()}@example.org"])
                        self.counts["staff"] += 1
                        for y in range(max(year, YEARS[0]), min(year + stay, YEARS[-1] + 1)):
                            pools[role][y].append(ref)
                        year += stay
            self.pools.append(pools)

    def staff_of(self, provider: int, role: str, day: datetime.date) -> str:
        return self.rng.choice(self.pools[provider][role][day.year])

    # Persons ----------------------------------------------------------------------------------------

    def service_start(self) -> datetime.date:
        year = self.year(self.rng)
        return add_days(datetime.date(year, 1, 1), self.rng.randint(0, 364))

    def status_history(self, start: datetime.date, route: str) -> list[tuple[str, datetime.date]]:
        rng = self.rng
        if route in ("resettlement", "relocation") and rng.random() < 0.7:
            history = [("refugee" if rng.random() < 0.8 else "alternative", start)]
        elif route == "family_reunification" and rng.random() < 0.8:
            history = [("refugee" if rng.random() < 0.6 else "alternative", start)]
        else:
            history = [("asylum_seeker", start)]
            decided = add_days(start, rng.randint(90, 540))
            if decided <= LAST_DAY:
                x = rng.random()
                outcome = "refugee" if x < 0.32 else "alternative" if x < 0.62 else "rejected" if x < 0.9 else None
                if outcome:
                    history.append((outcome, decided))
                    if outcome == "rejected" and rng.random() < 0.15:
                        later = add_days(decided, rng.randint(60, 400))  # granted on appeal
                        if later <= LAST_DAY:
                            history.append(("alternative", later))
        if rng.random() < 0.01 and history[-1][1] < add_days(LAST_DAY, -30):
            history.append(("other", add_days(history[-1][1], rng.randint(1, 30))))
        return history

    def residence(self, history: list[tuple[str, datetime.date]]) -> tuple[str, datetime.date | None]:
        status, since = history[-1]
        if status == "asylum_seeker":
            return ("reception_centre", None) if self.rng.random() < 0.85 else (self.municipality(self.rng), since)
        if self.rng.random() < 0.06:
            return ("", None)
        return self.municipality(self.rng), add_days(since, self.rng.randint(0, 60))

    def birth_date(self, kind: str, start: datetime.date) -> str:
        rng = self.rng
        if rng.random() < 0.03:
            return ""
        age = {"child": rng.randint(0, 17), "adult": rng.randint(19, 55), "senior": rng.randint(61, 78)}[kind]
        return add_days(start, -(age * 365 + rng.randint(0, 364))).isoformat()

    def gender(self, kind_hint: str | None = None) -> str:
        x = self.rng.random()
        if kind_hint:
            return kind_hint
        return "M" if x < 0.54 else "F" if x < 0.985 else "X" if x < 0.99 else ""

    def unit(self, size: int, w: dict) -> None:
        """One single person or one family: its clients, status history and contacts."""
        rng = self.rng
        provider = self.provider(rng)
        start = self.service_start()
        months = min(int(rng.lognormvariate(2.6, 0.6)) + 2, 60)  # median ~15 months of service
        end = min(add_months(start, months), LAST_DAY)
        handover = None
        if rng.random() < P_HANDOVER and (end - start).days > 120:
            to = (provider + rng.randint(1, len(PROVIDERS) - 1)) % len(PROVIDERS)
            handover = (add_days(start, rng.randint(60, (end - start).days - 30)), provider, to)
            provider = to
        country = self.country(rng)
        route = self.route(rng)
        history = self.status_history(start, route)
        residence, residence_since = self.residence(history)
        assigned_day = handover[0] if handover else start
        social_worker = self.staff_of(provider, "social_worker", assigned_day) if rng.random() < 0.9 else ""
        mentor = self.staff_of(provider, "mentor", assigned_day) if rng.random() < 0.93 else ""
        code = PROVIDERS[provider][0]
        family_ref = ""
        if size > 1:
            self.family_no += 1
            family_ref = f"F{self.family_no:07d}"
            kinds = ["adult"] + (["adult"] if size > 2 or rng.random() < 0.4 else [])
            if size > 4 and rng.random() < 0.2:
                kinds.append("senior")
            kinds += ["child"] * (size - len(kinds))
        else:
            kinds = ["adult" if rng.random() < 0.93 else "senior" if rng.random() < 0.3 else "child"]
        last = rng.choice(LAST)
        # Version 2: is the current episode closed (clients.csv), was there an earlier one (episodes.csv)?
        crng = self.case_rng
        closed = end < add_days(LAST_DAY, -30) and crng.random() < P_CLOSED
        closure = (end, self.closure_reason(crng)) if closed else None
        refs = []
        starts = []
        for i, kind in enumerate(kinds):
            self.client_no += 1
            ref = f"C{self.client_no:07d}"
            refs.append(ref)
            gender = self.gender(("M" if i == 0 else "F") if size > 1 and i < 2 and kind == "adult" else None)
            first = rng.choice(FEMALE if gender == "F" else MALE if gender == "M" else FEMALE + MALE)
            own_start = add_days(start, rng.randint(0, 20)) if size > 1 and rng.random() < 0.2 else start
            starts.append(own_start)
            w["clients"].writerow(
                [
                    ref,
                    first,
                    last if size > 1 or rng.random() < 0.9 else rng.choice(LAST),
                    gender,
                    self.birth_date(kind, start),
                    country,
                    family_ref,
                    route,
                    history[-1][0],
                    history[-1][1].isoformat() if len(history) > 1 else "",
                    residence,
                    residence_since.isoformat() if residence_since else "",
                    code,
                    own_start.isoformat(),
                    social_worker,
                    mentor,
                    closure[0].isoformat() if closure else "",
                    closure[1] if closure else "",
                ]
            )
            self.counts["clients"] += 1
            for status, since in history[:-1]:
                w["status_history"].writerow([ref, status, since.isoformat()])
                self.counts["status_history"] += 1
        self.contacts(w["contacts"], refs, family_ref, start, end, handover, provider, mentor, social_worker)
        case = Case(refs, starts, family_ref, start, end, handover, provider, mentor, social_worker, closure)
        self.casework(w, case, [kind == "adult" for kind in kinds])

    def contacts(self, writer, refs, family_ref, start, end, handover, provider, mentor, social_worker) -> None:
        rng = self.rng
        size = len(refs)
        # A family's contacts: fewer rows than the sum of its members', since one contact serves several.
        scale = 1.0 if size == 1 else 0.75 * size
        n = max(1, round(rng.lognormvariate(self.mu, 1.0) * scale))
        span = max((end - start).days, 1)
        for _ in range(n):
            # Denser at the start of the service: the minimum of two uniform draws.
            day = add_days(start, int(min(rng.random(), rng.random()) * span))
            if handover and day < handover[0]:
                prov = handover[1]
                staff = self.staff_of(prov, "mentor" if rng.random() < 0.75 else "social_worker", day)
            else:
                prov = provider
                x = rng.random()
                if (
                    x < 0.6
                    and mentor
                    and day.year >= (handover[0].year if handover else start.year)
                    and mentor in self.pools[prov]["mentor"][day.year]
                ):
                    staff = mentor
                elif x < 0.85 and social_worker and social_worker in self.pools[prov]["social_worker"][day.year]:
                    staff = social_worker
                else:
                    staff = self.staff_of(prov, "mentor" if x < 0.9 else "social_worker", day)
            fam, named = "", ""
            if size > 1:
                y = rng.random()
                if y < 0.4:
                    fam = family_ref
                elif y < 0.75:
                    named = rng.choice(refs)
                else:
                    named = ";".join(rng.sample(refs, 2))
            else:
                named = refs[0]
            form_table = self.forms[0] if day < COVID_START else self.forms[1] if day <= COVID_END else self.forms[2]
            form = form_table(rng)
            topics = []
            if rng.random() > 0.05:
                k = 1 if rng.random() < 0.6 else 2 if rng.random() < 0.75 else 3
                for _ in range(k):
                    t = self.topic(rng)
                    if t not in topics:
                        topics.append(t)
            note = rng.choice(NOTES) if rng.random() < 0.08 else ""
            interpreter = "yes" if self.v2_rng.random() < 0.2 else "no"
            place = self.place(self.v2_rng) if form in ("in_person", "accompaniment") else ""
            self.contact_no += 1
            writer.writerow(
                [
                    f"K{self.contact_no:08d}",
                    day.isoformat(),
                    staff,
                    fam,
                    named,
                    form,
                    self.duration(rng),
                    ";".join(topics),
                    note,
                    interpreter,
                    place,
                ]
            )
            self.counts["contacts"] += 1

    # Casework (version 2) ---------------------------------------------------------------------------------

    def case_staff(self, case: Case, role: str, day: datetime.date, preferred: str = "") -> tuple[int, str]:
        """(provider, staff ref) of the case on that day: before a hand-over the first provider's staff."""
        provider = case.handover[1] if case.handover and day < case.handover[0] else case.provider
        if preferred and provider == case.provider and preferred in self.pools[provider][role][day.year]:
            return provider, preferred
        return provider, self.case_rng.choice(self.pools[provider][role][day.year])

    def casework(self, w: dict, case: Case, adults: list[bool]) -> None:
        """One unit's earlier episode, plans and goals, referrals and assessments; dates within its service."""
        rng = self.case_rng
        horizon = min(case.end, LAST_DAY)
        if rng.random() < P_EARLIER_EPISODE:
            ended = add_days(case.start, -rng.randint(30, 400))
            began = add_days(ended, -rng.randint(60, 500))
            other = (case.provider + rng.randint(1, len(PROVIDERS) - 1)) % len(PROVIDERS)
            code = PROVIDERS[case.provider if rng.random() < 0.75 else other][0]
            reason = self.closure_reason(rng)
            for ref in case.refs:
                w["episodes"].writerow([ref, code, began.isoformat(), ended.isoformat(), reason])
                self.counts["episodes"] += 1
        # Plans: a family's plan, or plans of one or two of its adults; a single person's own.
        goals_of: dict[str, list[tuple[str, datetime.date]]] = {}  # client ref -> goals of their plans
        if rng.random() < P_PLAN:
            if len(case.refs) > 1 and rng.random() < 0.6:
                subjects = [("", case.family_ref, list(case.refs))]
            else:
                members = [ref for ref, adult in zip(case.refs, adults, strict=True) if adult] or case.refs[:1]
                chosen = members[:1] if len(members) == 1 or rng.random() < 0.7 else members[:2]
                subjects = [(ref, "", [ref]) for ref in chosen]
            for client_ref, family_ref, served in subjects:
                goals = self.plan(w, case, client_ref, family_ref, horizon)
                for ref in served:
                    goals_of.setdefault(ref, []).extend(goals)
        for ref, own_start in zip(case.refs, case.starts, strict=True):
            own_start = min(own_start, horizon)  # a member who joined after the last day: on it
            self.referrals(w, case, ref, own_start, horizon, goals_of.get(ref, []))
            self.assessments(w, case, ref, own_start, horizon)

    def plan(self, w: dict, case: Case, client_ref: str, family_ref: str, horizon: datetime.date) -> list:
        rng = self.case_rng
        first = max(case.start, case.handover[0]) if case.handover else case.start
        start = add_days(first, rng.randint(7, 60))
        if start > horizon:
            start = first
        _provider, staff = self.case_staff(case, "social_worker", start, case.social_worker)
        status = "closed" if case.closure else "active" if rng.random() < 0.85 else "draft"
        self.plan_no += 1
        plan_ref = f"P{self.plan_no:07d}"
        review = add_days(start, 90)
        w["plans"].writerow([plan_ref, client_ref, family_ref, staff, status, start.isoformat(), review.isoformat()])
        self.counts["plans"] += 1
        goals = []
        for area in rng.sample(AREAS, rng.randint(1, 4)):
            created = add_days(start, rng.randint(0, 30))
            if created > horizon:
                created = start
            status, status_date = "open", ""
            if (horizon - created).days > 20 and rng.random() < 0.65:
                status = self.goal_outcome(rng)
                status_date = add_days(created, rng.randint(20, (horizon - created).days)).isoformat()
            self.goal_no += 1
            goal_ref = f"G{self.goal_no:08d}"
            w["goals"].writerow([goal_ref, plan_ref, area, GOAL_TITLES[area], created.isoformat(), status, status_date])
            self.counts["goals"] += 1
            goals.append((goal_ref, created))
        return goals

    def referrals(self, w: dict, case: Case, ref: str, own_start: datetime.date, horizon: datetime.date, goals) -> None:
        rng = self.case_rng
        span = max((horizon - own_start).days, 0)
        for _ in range(self.referrals_a_person(rng)):
            day = add_days(own_start, int(rng.random() * (span + 1)))
            role = "mentor" if rng.random() < 0.5 else "social_worker"
            provider, staff = self.case_staff(case, role, day, case.mentor if role == "mentor" else case.social_worker)
            kind = self.institution_kind(rng)
            institution = rng.choice(INSTITUTIONS[kind][1])
            # A goal of the client's (or family's) plan, of the same provider, set on or before the day.
            usable = [g for g, created in goals if created <= day] if provider == case.provider else []
            goal = rng.choice(usable) if usable and rng.random() < 0.5 else ""
            status = self.referral_outcome(rng)
            if (LAST_DAY - day).days < 30 and rng.random() < 0.7:
                status = "made"
            outcome_date, reason = "", ""
            if status != "made":
                outcome_date = min(add_days(day, rng.randint(2, 90)), LAST_DAY).isoformat()
                if status in ("not_successful", "refused"):
                    reason = self.outcome_reason(rng)
            self.referral_no += 1
            w["referrals"].writerow(
                [
                    f"R{self.referral_no:08d}",
                    day.isoformat(),
                    staff,
                    ref,
                    kind,
                    institution,
                    goal,
                    "yes" if rng.random() < 0.35 else "no",
                    status,
                    outcome_date,
                    reason,
                ]
            )
            self.counts["referrals"] += 1

    def assessments(self, w: dict, case: Case, ref: str, own_start: datetime.date, horizon: datetime.date) -> None:
        """An intake, reviews later in the service, a closure at its end; scores tending to improve."""
        rng = self.case_rng
        if rng.random() >= 0.7:
            return
        base = {area: rng.randint(1, 4) for area in AREAS if rng.random() < 0.7}
        span = max((horizon - own_start).days, 0)
        day = add_days(own_start, min(rng.randint(0, 30), span))
        visits = [("intake", day)]
        for _ in range(self.reviews(rng)):
            day = add_days(day, rng.randint(60, 200))
            if day > horizon:
                break
            visits.append(("review", day))
        if case.closure and rng.random() < 0.6 and case.closure[0] >= day:
            visits.append(("closure", case.closure[0]))
        for step, (kind, day) in enumerate(visits):
            _provider, staff = self.case_staff(case, "social_worker", day, case.social_worker)
            scores = []
            for area in AREAS:
                if area in base and (step == 0 or rng.random() < 0.85):
                    scores.append(str(max(1, min(5, base[area] + round(rng.gauss(0.4 * step, 0.8))))))
                else:
                    scores.append("")
            self.assessment_no += 1
            w["assessments"].writerow([f"A{self.assessment_no:08d}", day.isoformat(), staff, ref, kind, *scores])
            self.counts["assessments"] += 1

    # Files ------------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self.out.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as stack:
            files = {
                name: stack.enter_context(open(self.out / f"{name}.csv", "w", encoding="utf-8", newline=""))
                for name in self.counts
            }
            w = {name: csv.writer(f, lineterminator="\r\n") for name, f in files.items()}
            w["providers"].writerow(["code", "name"])
            for code, name, _ in PROVIDERS:
                w["providers"].writerow([code, name])
                self.counts["providers"] += 1
            self.make_contracts(w["contracts"])
            w["staff"].writerow(["staff_ref", "first_name", "last_name", "role", "provider", "email"])
            self.make_staff(w["staff"])
            w["clients"].writerow(
                [
                    "client_ref",
                    "first_name",
                    "last_name",
                    "gender",
                    "birth_date",
                    "country",
                    "family_ref",
                    "arrival_route",
                    "legal_status",
                    "legal_status_since",
                    "residence",
                    "residence_since",
                    "provider",
                    "service_start",
                    "social_worker",
                    "mentor",
                    "service_end",
                    "closure_reason",
                ]
            )
            w["episodes"].writerow(["client_ref", "provider", "service_start", "service_end", "closure_reason"])
            w["plans"].writerow(["plan_ref", "client_ref", "family_ref", "staff_ref", "status", "start", "review_date"])
            w["goals"].writerow(["goal_ref", "plan_ref", "area", "title", "created_on", "status", "status_date"])
            w["referrals"].writerow(
                [
                    "referral_ref",
                    "date",
                    "staff_ref",
                    "client_ref",
                    "institution_kind",
                    "institution",
                    "goal_ref",
                    "accompanied",
                    "status",
                    "outcome_date",
                    "outcome_reason",
                ]
            )
            w["assessments"].writerow(["assessment_ref", "date", "staff_ref", "client_ref", "kind", *AREAS])
            w["status_history"].writerow(["client_ref", "legal_status", "since"])
            w["contacts"].writerow(
                [
                    "contact_ref",
                    "date",
                    "staff_ref",
                    "family_ref",
                    "client_refs",
                    "form",
                    "duration_minutes",
                    "topics",
                    "note",
                    "interpreter",
                    "place",
                ]
            )
            while self.client_no < self.persons:
                size = self.family_size(self.rng) if self.rng.random() < P_FAMILY_UNIT else 1
                self.unit(min(size, self.persons - self.client_no), w)
        return dict(self.counts)

    def make_contracts(self, writer) -> None:
        writer.writerow(["provider", "number", "start", "end", "planned_persons_per_month"])
        for i, (code, _name, share) in enumerate(PROVIDERS):
            start = FIRST_DAY
            while start <= LAST_DAY:
                months = self.rng.choice([12, 18, 24, 36])
                end = min(add_days(add_months(start.replace(day=1), months), -1), LAST_DAY)
                planned = max(20, round(self.persons * share * 0.15 * self.rng.uniform(0.8, 1.1) / 10) * 10)
                writer.writerow([code, f"S-SIF-{start.year}-{i + 1:02d}{start.month:02d}", start, end, planned])
                self.counts["contracts"] += 1
                start = add_days(end, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder to write (created if missing)")
    parser.add_argument("--persons", type=int, help=f"persons (default {DEFAULT_PERSONS:,})")
    parser.add_argument("--scale", type=float, default=1.0, help="a fraction of the default size, e.g. 0.02")
    parser.add_argument("--contacts-per-person", type=float, default=DEFAULT_CONTACTS_PER_PERSON)
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args(argv)
    persons = args.persons or max(10, round(DEFAULT_PERSONS * args.scale))
    began = time.perf_counter()
    counts = Generator(args.out, persons=persons, contacts_per_person=args.contacts_per_person, seed=args.seed).run()
    seconds = time.perf_counter() - began
    print(
        f"wrote {args.out}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f" in {seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
