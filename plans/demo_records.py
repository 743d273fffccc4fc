"""Invented demo records for `make run` (never a copy of real or shared sample data).

Every name, date and story here is made up by a seeded generator: the same run gives the same
records, and running it again changes nothing (rows are matched on their references). Contacts
span 2026 but are written only up to today, so a later run adds the days that have passed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from clients.choices import RECEPTION_CENTRE, ArrivalRoute, Gender, LegalStatus, StaffRole
from clients.models import (
    Client,
    Contract,
    Family,
    LegalStatusEntry,
    Provider,
    ProviderHandover,
    ResidenceEntry,
    Staff,
)

from .models import Contact, ContactTopic

SEED = 2026
CONTACTS_FROM = date(2026, 1, 1)
CONTACTS_UNTIL = date(2026, 12, 31)

STAFF = {
    "DEMO": [
        ("DEMO-SW1", "Ilze", "Bērziņa", StaffRole.SOCIAL_WORKER),
        ("DEMO-SW2", "Edgars", "Vītols", StaffRole.SOCIAL_WORKER),
        ("DEMO-M1", "Jānis", "Ozoliņš", StaffRole.MENTOR),
        ("DEMO-M2", "Anna", "Krūmiņa", StaffRole.MENTOR),
        ("DEMO-M3", "Kārlis", "Zariņš", StaffRole.MENTOR),
        ("DEMO-M4", "Laura", "Kalniņa", StaffRole.MENTOR),
        ("DEMO-M5", "Artūrs", "Liepa", StaffRole.MENTOR),
        ("DEMO-M6", "Dace", "Ābele", StaffRole.MENTOR),
        ("DEMO-M7", "Roberts", "Eglītis", StaffRole.MENTOR),
        ("DEMO-M8", "Sanita", "Jansone", StaffRole.MENTOR),
    ],
    "OTHER": [
        ("OTHER-SW1", "Inese", "Siliņa", StaffRole.SOCIAL_WORKER),
        ("OTHER-M1", "Guntis", "Pētersons", StaffRole.MENTOR),
        ("OTHER-M2", "Marta", "Lūse", StaffRole.MENTOR),
    ],
}

# Given names (men, women) and family names (a man's form, a woman's form) by country of origin.
NAMES: dict[str, tuple[list[str], list[str], list[tuple[str, str]]]] = {
    "SY": (
        ["Ahmad", "Omar", "Khaled", "Yousef", "Mahmoud", "Rami", "Samer", "Bassel"],
        ["Rania", "Hala", "Lina", "Nour", "Reem", "Dima", "Salma", "Yara"],
        [
            ("Haddad", "Haddad"),
            ("Khatib", "Khatib"),
            ("Darwish", "Darwish"),
            ("Sabbagh", "Sabbagh"),
            ("Kassem", "Kassem"),
        ],
    ),
    "AF": (
        ["Mohammad", "Abdul", "Farid", "Javid", "Naveed", "Hamid", "Sohrab"],
        ["Zahra", "Fatima", "Maryam", "Shabnam", "Parwana", "Nazanin", "Laila"],
        [("Ahmadi", "Ahmadi"), ("Karimi", "Karimi"), ("Rahimi", "Rahimi"), ("Noori", "Noori"), ("Sultani", "Sultani")],
    ),
    "IQ": (
        ["Ali", "Haider", "Mustafa", "Karrar", "Ammar", "Hussein"],
        ["Zainab", "Huda", "Ruqaya", "Sara", "Maryam"],
        [("Al-Jabouri", "Al-Jabouri"), ("Kadhim", "Kadhim"), ("Al-Saadi", "Al-Saadi"), ("Abbas", "Abbas")],
    ),
    "ER": (
        ["Yonas", "Tesfay", "Dawit", "Samuel", "Filmon", "Robel"],
        ["Helen", "Senait", "Mebrat", "Luwam", "Saba"],
        [("Tekle", "Tekle"), ("Haile", "Haile"), ("Berhane", "Berhane"), ("Woldu", "Woldu")],
    ),
    "RU": (
        ["Dmitry", "Sergey", "Alexey", "Ivan", "Maksim"],
        ["Elena", "Olga", "Ekaterina", "Natalia", "Daria"],
        [("Sokolov", "Sokolova"), ("Morozov", "Morozova"), ("Volkov", "Volkova"), ("Lebedev", "Lebedeva")],
    ),
    "BY": (
        ["Aliaksandr", "Siarhei", "Pavel", "Andrei"],
        ["Volha", "Tatsiana", "Maryia", "Hanna"],
        [("Kavaleu", "Kavaleva"), ("Novik", "Novik"), ("Hrytsuk", "Hrytsuk")],
    ),
    "UA": (
        ["Oleksandr", "Andriy", "Taras", "Mykola", "Bohdan"],
        ["Oksana", "Iryna", "Kateryna", "Olena", "Sofiia"],
        [("Shevchenko", "Shevchenko"), ("Kovalenko", "Kovalenko"), ("Bondarenko", "Bondarenko"), ("Melnyk", "Melnyk")],
    ),
    "GE": (
        ["Giorgi", "Levan", "Nikoloz", "Davit"],
        ["Nino", "Tamar", "Ketevan", "Mariam"],
        [("Beridze", "Beridze"), ("Kapanadze", "Kapanadze"), ("Gelashvili", "Gelashvili")],
    ),
    "TJ": (
        ["Firdavs", "Rustam", "Farrukh", "Jamshed"],
        ["Nilufar", "Madina", "Gulnora", "Zarina"],
        [("Rahmonov", "Rahmonova"), ("Saidov", "Saidova"), ("Nazarov", "Nazarova")],
    ),
    "TR": (
        ["Mehmet", "Emre", "Murat", "Kemal"],
        ["Ayşe", "Elif", "Zeynep", "Fatma"],
        [("Yılmaz", "Yılmaz"), ("Demir", "Demir"), ("Kaya", "Kaya"), ("Çelik", "Çelik")],
    ),
    "IR": (
        ["Reza", "Amir", "Mehdi", "Behnam"],
        ["Shirin", "Leila", "Mina", "Parisa"],
        [("Hosseini", "Hosseini"), ("Moradi", "Moradi"), ("Jafari", "Jafari")],
    ),
    "SO": (
        ["Abdirahman", "Mohamed", "Abdullahi", "Hassan"],
        ["Hodan", "Amina", "Fadumo", "Ifrah"],
        [("Warsame", "Warsame"), ("Farah", "Farah"), ("Jama", "Jama")],
    ),
}
# How often each country appears: the larger groups first, as in the published reports.
COUNTRY_WEIGHTS = {
    "SY": 14,
    "AF": 12,
    "IQ": 10,
    "ER": 7,
    "RU": 9,
    "BY": 7,
    "UA": 8,
    "GE": 5,
    "TJ": 6,
    "TR": 5,
    "IR": 4,
    "SO": 3,
}
# Another spelling of a given name, as a second intake might write it.
VARIANTS = {
    "Mohammad": "Muhammad",
    "Yousef": "Yusuf",
    "Omar": "Umar",
    "Khaled": "Khalid",
    "Mustafa": "Mustapha",
    "Hussein": "Husein",
    "Ali": "Aly",
    "Dmitry": "Dmitrii",
    "Sergey": "Sergei",
    "Aliaksandr": "Aleksandr",
    "Mehmet": "Mehmed",
    "Reza": "Rezza",
}
MUNICIPALITIES = ["Rīga", "Rīga", "Rīga", "Jūrmala", "Ogre", "Saldus", "Jelgava", "Cēsis", "Valmiera", "Liepāja"]
ROUTES = [
    (ArrivalRoute.INDEPENDENT, 55),
    (ArrivalRoute.RELOCATION, 20),
    (ArrivalRoute.RESETTLEMENT, 10),
    (ArrivalRoute.FAMILY_REUNIFICATION, 15),
]
FORMS = [("in_person", 45), ("accompaniment", 20), ("phone", 25), ("electronic", 10)]
TOPICS = [
    ("documents", 14),
    ("housing", 12),
    ("health", 12),
    ("employment", 9),
    ("education", 7),
    ("language", 9),
    ("benefits", 8),
    ("social_services", 7),
    ("children", 6),
    ("crisis", 2),
    ("daily_life", 12),
    ("other", 2),
]
NOTES = {
    "documents": "Pavadīšana uz PMLP, dokumentu iesniegšana.",
    "housing": "Dzīvokļa meklēšana, sarunas ar izīrētāju.",
    "health": "Pieraksts pie ģimenes ārsta.",
    "employment": "CV sagatavošana, reģistrācija NVA.",
    "education": "Bērna pieteikšana skolā.",
    "language": "Latviešu valodas kursu grafiks.",
    "benefits": "Pabalsta pieteikums sociālajā dienestā.",
    "social_services": "Tikšanās sociālajā dienestā.",
    "children": "Bērnudārza rinda.",
    "crisis": "Atbalsts krīzes situācijā.",
    "daily_life": "Iepirkšanās, sabiedriskais transports, bankas konts.",
    "other": "",
}


@dataclass
class _Person:
    ref: str
    first_name: str
    last_name: str
    gender: str
    birth_date: date


@dataclass
class _Unit:
    """A family or a person on their own: one case, one social worker and one mentor."""

    provider: str
    country: str
    people: list[_Person]
    family_ref: str = ""
    family_name: str = ""
    route: str = ""
    start: date = date(2026, 1, 1)
    end: date | None = None
    social_worker: str = ""
    mentor: str = ""
    statuses: list[tuple[str, date]] = field(default_factory=list)
    residences: list[tuple[str, date]] = field(default_factory=list)
    handed_over_from: str = ""
    handed_over_on: date | None = None


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _birth(rng: random.Random, start: date, low: int, high: int) -> date:
    return start - timedelta(days=rng.randint(low * 365 + 30, high * 365 + 300))


def _person(rng: random.Random, ref: str, country: str, gender: str, family: tuple[str, str], born: date) -> _Person:
    men, women, _surnames = NAMES[country]
    first = rng.choice(men if gender == Gender.MALE else women)
    return _Person(ref, first, family[0] if gender == Gender.MALE else family[1], gender, born)


def _plan_units(rng: random.Random, provider: str, clients: int, families: int, first_ref: int) -> list[_Unit]:
    """Invent `clients` persons of one provider, `families` of them in families of 2 to 5."""
    countries = list(COUNTRY_WEIGHTS.items())
    units: list[_Unit] = []
    number = first_ref
    family_number = 1
    made = 0
    while made < clients:
        country = _pick(rng, countries)
        surname = rng.choice(NAMES[country][2])
        start = date(2025, 6, 1) + timedelta(days=rng.randint(0, 500))
        people: list[_Person] = []
        in_family = len([u for u in units if u.family_ref]) < families and clients - made >= 2
        if in_family:
            size = min(rng.choice([2, 3, 3, 4, 4, 5]), clients - made)
            people.append(
                _person(rng, f"{provider}-{number:04d}", country, Gender.MALE, surname, _birth(rng, start, 28, 50))
            )
            number += 1
            people.append(
                _person(rng, f"{provider}-{number:04d}", country, Gender.FEMALE, surname, _birth(rng, start, 24, 45))
            )
            number += 1
            for _ in range(size - 2):
                gender = rng.choice([Gender.MALE, Gender.FEMALE])
                people.append(
                    _person(rng, f"{provider}-{number:04d}", country, gender, surname, _birth(rng, start, 0, 16))
                )
                number += 1
            family_ref = f"{provider}-F{family_number:03d}"
            family_number += 1
        else:
            gender = _pick(rng, [(Gender.MALE, 65), (Gender.FEMALE, 35)])
            low, high = (61, 68) if rng.random() < 0.05 else (18, 55)
            people.append(
                _person(rng, f"{provider}-{number:04d}", country, gender, surname, _birth(rng, start, low, high))
            )
            number += 1
            family_ref = ""
        unit = _Unit(
            provider=provider,
            country=country,
            people=people,
            family_ref=family_ref,
            family_name=surname[0] if family_ref else "",
            route=_pick(rng, ROUTES),
            start=start,
        )
        if rng.random() < 0.12:
            unit.end = start + timedelta(days=rng.randint(150, 330))
        _plan_history(rng, unit)
        units.append(unit)
        made += len(people)
    return units


def _plan_history(rng: random.Random, unit: _Unit) -> None:
    """Legal status and residence from the start of the case on, changing as cases do."""
    resettled = unit.route in (ArrivalRoute.RESETTLEMENT, ArrivalRoute.FAMILY_REUNIFICATION)
    if resettled:
        unit.statuses.append((_pick(rng, [(LegalStatus.REFUGEE, 70), (LegalStatus.ALTERNATIVE, 30)]), unit.start))
        unit.residences.append((rng.choice(MUNICIPALITIES), unit.start))
        return
    unit.statuses.append((LegalStatus.ASYLUM_SEEKER, unit.start))
    unit.residences.append((RECEPTION_CENTRE, unit.start))
    outcome = rng.random()
    decided = unit.start + timedelta(days=rng.randint(70, 260))
    if outcome < 0.55:
        status = _pick(rng, [(LegalStatus.REFUGEE, 55), (LegalStatus.ALTERNATIVE, 45)])
        unit.statuses.append((status, decided))
        unit.residences.append((rng.choice(MUNICIPALITIES), decided + timedelta(days=rng.randint(20, 90))))
    elif outcome < 0.65:
        unit.statuses.append((LegalStatus.REJECTED, decided))


def _assign(units: list[_Unit], provider: str) -> None:
    """Spread the cases over the provider's staff; the first mentor and social worker get several."""
    workers = [ref for ref, _f, _l, role in STAFF[provider] if role == StaffRole.SOCIAL_WORKER]
    mentors = [ref for ref, _f, _l, role in STAFF[provider] if role == StaffRole.MENTOR]
    for i, unit in enumerate(units):
        unit.social_worker = workers[i % len(workers)]
        unit.mentor = mentors[i % len(mentors)]


def _plan() -> list[_Unit]:
    rng = random.Random(SEED)
    units = _plan_units(rng, "DEMO", clients=80, families=14, first_ref=1)
    other = _plan_units(rng, "OTHER", clients=14, families=3, first_ref=1)
    _assign(units, "DEMO")
    _assign(other, "OTHER")
    # One person came over from the other provider in spring, with the history of both.
    moved = next(u for u in units if not u.family_ref and u.start < date(2026, 2, 1))
    moved.handed_over_from, moved.handed_over_on = "OTHER", date(2026, 3, 16)
    # One person was taken in twice, spelled another way: intake shows it, a manager merges it.
    twice = next((u for u in units if not u.family_ref and u is not moved and u.people[0].first_name in VARIANTS), None)
    if twice is not None:
        person = twice.people[0]
        again = _Person("DEMO-0081", VARIANTS[person.first_name], person.last_name, person.gender, person.birth_date)
        units.append(
            _Unit(
                provider="DEMO",
                country=twice.country,
                people=[again],
                route=twice.route,
                start=twice.start + timedelta(days=40),
                statuses=[(LegalStatus.ASYLUM_SEEKER, twice.start + timedelta(days=40))],
                residences=[(RECEPTION_CENTRE, twice.start + timedelta(days=40))],
                social_worker="DEMO-SW2",
                mentor="DEMO-M2",
            )
        )
    return units + other


def _save_records(units: list[_Unit], today: date) -> dict[str, Client]:
    providers = {p.code: p for p in Provider.objects.filter(code__in=["DEMO", "OTHER"])}
    staff = {s.staff_ref: s for s in Staff.objects.filter(provider__code__in=["DEMO", "OTHER"])}
    clients: dict[str, Client] = {}
    for unit in units:
        family = None
        if unit.family_ref:
            family, _ = Family.objects.get_or_create(
                provider=providers[unit.provider], family_ref=unit.family_ref, defaults={"name": unit.family_name}
            )
        for person in unit.people:
            client, created = Client.objects.get_or_create(
                provider=providers[unit.provider],
                client_ref=person.ref,
                defaults={
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "gender": person.gender,
                    "birth_date": person.birth_date,
                    "country": unit.country,
                    "family": family,
                    "arrival_route": unit.route,
                    "service_start": unit.start,
                    "service_end": unit.end if unit.end and unit.end <= today else None,
                    "social_worker": staff[unit.social_worker],
                    "mentor": staff[unit.mentor],
                },
            )
            clients[person.ref] = client
            if not created:
                continue
            for status, since in unit.statuses:
                if since <= today:
                    LegalStatusEntry.objects.create(client=client, legal_status=status, since=since)
            for residence, since in unit.residences:
                if since <= today:
                    ResidenceEntry.objects.create(client=client, residence=residence, since=since)
            if unit.handed_over_from:
                ProviderHandover.objects.create(
                    client=client,
                    from_provider=providers[unit.handed_over_from],
                    to_provider=providers[unit.provider],
                    date=unit.handed_over_on,
                )
    return clients


def _save_contacts(units: list[_Unit], clients: dict[str, Client], today: date) -> None:
    staff = {s.staff_ref: s for s in Staff.objects.filter(provider__code__in=["DEMO", "OTHER"])}
    families = {f.family_ref: f for f in Family.objects.filter(family_ref__in=[u.family_ref for u in units])}
    planned = []  # (ref, date, staff ref, family ref, client refs, form, minutes, topics)
    for unit in units:
        # Each case draws from its own generator, so that adding a case changes no other's contacts.
        rng = random.Random(f"{SEED}-{unit.people[0].ref}")
        day = max(unit.start, CONTACTS_FROM) + timedelta(days=rng.randint(0, 10))
        last = min(unit.end or CONTACTS_UNTIL, CONTACTS_UNTIL)
        number = 1
        while day <= last:
            form = _pick(rng, FORMS)
            topics = sorted(
                set(rng.choices([t for t, _ in TOPICS], weights=[w for _, w in TOPICS], k=rng.randint(1, 3)))
            )
            staff_ref = unit.social_worker if rng.random() < 0.35 else unit.mentor
            if unit.handed_over_on and day < unit.handed_over_on:
                staff_ref = "OTHER-SW1" if staff_ref == unit.social_worker else "OTHER-M1"
            minutes = {"in_person": 60, "accompaniment": 120, "phone": 15, "electronic": 10}[form]
            minutes = max(5, int(minutes * rng.uniform(0.5, 1.8)))
            whole_family = bool(unit.family_ref) and rng.random() < 0.5
            refs = [] if whole_family else [rng.choice(unit.people).ref]
            ref = f"{unit.people[0].ref}-K{number:03d}"
            planned.append((ref, day, staff_ref, unit.family_ref if whole_family else "", refs, form, minutes, topics))
            number += 1
            day += timedelta(days=rng.randint(6, 24))
    due = [row for row in planned if row[1] <= today]
    existing = set(
        Contact.objects.filter(contact_ref__in=[row[0] for row in due]).values_list("contact_ref", flat=True)
    )
    new_rows = [row for row in due if row[0] not in existing]
    contacts = []
    for ref, day, staff_ref, family_ref, _refs, form, minutes, topics in new_rows:
        member = staff[staff_ref]
        contacts.append(
            Contact(
                contact_ref=ref,
                date=day,
                staff=member,
                provider_id=member.provider_id,
                family=families.get(family_ref) if family_ref else None,
                form=form,
                duration_minutes=minutes,
                note=NOTES[topics[0]],
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=500)
    by_ref = {c.contact_ref: c for c in Contact.objects.filter(contact_ref__in=[row[0] for row in new_rows])}
    links = []
    topic_rows = []
    for ref, _day, _staff, _family, refs, _form, _minutes, topics in new_rows:
        contact = by_ref[ref]
        links.extend(Contact.clients.through(contact_id=contact.pk, client_id=clients[r].pk) for r in refs)
        topic_rows.extend(ContactTopic(contact=contact, topic=t) for t in topics)
    Contact.clients.through.objects.bulk_create(links, batch_size=500)
    ContactTopic.objects.bulk_create(topic_rows, batch_size=500)


@transaction.atomic
def build_demo_records() -> None:
    """Create the demo providers, contract, staff, clients, families, histories and contacts.

    Running it twice changes nothing: every row is found by its reference before it is made.
    """
    provider, _ = Provider.objects.get_or_create(code="DEMO", defaults={"name": "Biedrība “Atbalsta tilts”"})
    other, _ = Provider.objects.get_or_create(code="OTHER", defaults={"name": "Nodibinājums “Ceļa biedri”"})
    Contract.objects.get_or_create(
        number="S-SIF-2026-DEMO",
        defaults={
            "provider": provider,
            "start": date(2026, 1, 1),
            "end": date(2026, 12, 31),
            "planned_persons_per_month": 80,
        },
    )
    Contract.objects.get_or_create(
        number="S-SIF-2026-OTHER",
        defaults={
            "provider": other,
            "start": date(2026, 1, 1),
            "end": date(2026, 12, 31),
            "planned_persons_per_month": 20,
        },
    )
    for code, people in STAFF.items():
        owner = provider if code == "DEMO" else other
        for ref, first, last, role in people:
            Staff.objects.get_or_create(
                staff_ref=ref,
                defaults={"first_name": first, "last_name": last, "role": role, "provider": owner},
            )
    today = timezone.localdate()
    units = _plan()
    clients = _save_records(units, today)
    _save_contacts(units, clients, today)
