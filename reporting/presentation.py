"""The figures as labelled, translated tables and charts, shared by the HTML page and the PDF."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeAlias

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from clients.choices import ArrivalRoute, ClosureReason, InstitutionKind, LegalStatus
from plans.choices import ContactForm, GoalArea, GoalStatus, ReferralStatus, Topic

from . import charts
from .figures import ContractTarget
from .models import MONTHS_OF_KIND, ReportKind
from .periods import Period, add_months
from .suppression import SafeFigures, ShownFigures

TOP_COUNTRIES = 10
# A figure that cannot be given: a sum of hidden cells, an average over nobody.
NONE = "—"

# What one cell of a table shows: a count, an average, a mark of a hidden figure, or NONE.
Value: TypeAlias = int | float | str


@dataclass(frozen=True)
class Narrative:
    """The text sections a provider writes for a report's PDF."""

    thematic: str = ""
    challenges: str = ""


@dataclass
class Row:
    label: str
    value: Value = ""
    percent: int | None = None
    extra: int | None = None  # the contract's target of a month
    cells: tuple[Value, ...] = ()  # a row of a two-way table


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row]
    headers: tuple[str, ...] = ()
    chart: str = ""  # a data: URI of the chart's SVG, when drawn
    # Where the PDF puts the chart: "donut" and "side" beside its table, "below" under it (a wide table's).
    chart_kind: str = ""
    legend: list[tuple[str, str]] = field(default_factory=list)  # a donut's (colour, text), written by the page
    note: str = ""


@dataclass
class Comparison:
    """A headline figure of the report against the previous period of the same length.

    `direction` is "up", "down" or "same", or "" when either figure is hidden or not given (no change can be told);
    `change` is the difference's size and `sign` its sign ("+", "−" or ""), `change_percent` the difference's size
    as a whole per cent of the previous figure (None when that is 0 or unknown)."""

    label: str
    value: Value
    previous: Value
    direction: str = ""
    sign: str = ""
    change: Value = ""
    change_percent: int | None = None


@dataclass
class Report:
    suppressed: bool
    unique_persons: int
    provider_code: str | None
    provider_name: str
    contracts: tuple[ContractTarget, ...]
    period_label: str
    start: datetime.date
    end: datetime.date
    headline: list[Row] = field(default_factory=list)
    portrait: list[Table] = field(default_factory=list)
    work: list[Table] = field(default_factory=list)
    results: list[Table] = field(default_factory=list)
    kind: str = ReportKind.CUSTOM
    kind_title: str = ""
    previous_label: str = ""
    summary: list[Comparison] = field(default_factory=list)


def percent(value: Value, total: int | None) -> int | None:
    """A count as a whole per cent of `total` (half up); None for a hidden count or a total of 0."""
    if not isinstance(value, int) or isinstance(value, bool) or not total:
        return None
    return (200 * value + total) // (2 * total)


def _unknown() -> str:
    return _("Not known")


def legal_status_labels() -> dict[str, str]:
    return {**{code: str(label) for code, label in LegalStatus.choices}, "unknown": _unknown()}


def arrival_route_labels() -> dict[str, str]:
    return {**{code: str(label) for code, label in ArrivalRoute.choices}, "unknown": _unknown()}


def residence_labels() -> dict[str, str]:
    return {
        "reception_centre": _("Asylum seekers' reception centre"),
        "outside": _("Outside the reception centre"),
        "unknown": _unknown(),
    }


def gender_labels() -> dict[str, str]:
    return {"female": _("Female"), "male": _("Male"), "other": _("Other"), "unknown": _unknown()}


def age_group_labels() -> dict[str, str]:
    return {
        "children": _("Children (0–17)"),
        "adults": _("Adults (18–60)"),
        "seniors": _("Over 60"),
        "unknown": _("Age not known"),
    }


def month_label(key: str) -> str:
    year, month = (int(part) for part in key.split("-"))
    return date_format(datetime.date(year, month, 1), "F Y")


def period_label(start: datetime.date, end: datetime.date) -> str:
    return f"{date_format(start, 'DATE_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"


def _category_table(key: str, title: str, values: Mapping[str, Value], labels: dict[str, str], total: int) -> Table:
    rows = [Row(labels.get(code, code), value, percent(value, total)) for code, value in values.items()]
    return Table(key=key, title=title, rows=rows, headers=(_("Persons"), "%"))


def _sum(values: list[Value]) -> Value:
    """The sum of counts; NONE when one is hidden (the sum would not be true)."""
    counts = [v for v in values if isinstance(v, int)]
    return sum(counts) if len(counts) == len(values) else NONE


def _women_men_children(figures: ShownFigures) -> list[Row]:
    """Women and men are the grown-ups (and those of unknown age); children are everyone under 18."""
    by_group = figures.gender_by_age_group
    total = figures.unique_persons

    def grown(gender: str) -> Value:
        return _sum([by_group[group][gender] for group in ("adults", "seniors", "unknown")])

    women, men = grown("female"), grown("male")
    children = figures.age_groups["children"]
    return [
        Row(_("Women"), women, percent(women, total)),
        Row(_("Men"), men, percent(men, total)),
        Row(_("Children"), children, percent(children, total)),
    ]


def _countries(figures: ShownFigures) -> list[Row]:
    total = figures.unique_persons
    rows = []
    items: list[tuple[str, Value]] = list(figures.countries.by_country.items())
    for code, count in items[:TOP_COUNTRIES]:
        name = _unknown() if code == "unknown" else str(country_names.name(code) or code)
        rows.append(Row(name, count, percent(count, total)))
    rest = items[TOP_COUNTRIES:]
    if rest:
        value = _sum([v for _, v in rest])
        rows.append(Row(_("Other countries (%(count)s)") % {"count": len(rest)}, value, percent(value, total)))
    return rows


def _average(value: float | str | None) -> Value:
    return NONE if value is None else value


def report_kind(period: Period, contracts: tuple[ContractTarget, ...]) -> str:
    """The kind of report a period makes (ReportKind), when the one who asked for it does not say (build_report):
    a contract's whole period is its final evaluation; one, two or six whole calendar months a monthly, two-month
    or interim report; any other period a report of its own."""
    if any((contract.start, contract.end) == (period.start, period.end) for contract in contracts):
        return ReportKind.FINAL
    if period.start.day == 1:
        for kind, months in MONTHS_OF_KIND.items():
            if period.end == add_months(period.start, months) - datetime.timedelta(days=1):
                return kind
    return ReportKind.CUSTOM


def kind_titles() -> dict[str, str]:
    """What the cover calls a report of each kind."""
    return {
        ReportKind.MONTH: _("Monthly report"),
        ReportKind.TWO_MONTHS: _("Two-month report"),
        ReportKind.INTERIM: _("Six-month interim report"),
        ReportKind.FINAL: _("Final evaluation report"),
        ReportKind.CUSTOM: _("Report"),
    }


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def compare(label: str, value: Value | None, previous: Value | None) -> Comparison:
    """`value` against `previous`: up, down or the same, by how much; no change told where either is hidden."""
    shown, before = _value(value), _value(previous)
    if not (_is_number(value) and _is_number(previous)):
        return Comparison(label, shown, before)
    # Decimal from the figures' text: averages and hours have one decimal, and 151.2 - 134.1 must be 17.1.
    now, then = Decimal(str(value)), Decimal(str(previous))
    difference = now - then
    direction = "up" if difference > 0 else "down" if difference < 0 else "same"
    sign = {"up": "+", "down": "\u2212", "same": ""}[direction]
    change_percent = (
        abs(int((100 * difference / then).quantize(Decimal(1), rounding=ROUND_HALF_UP))) if then else None
    )  # ROUND_HALF_UP is half away from zero (report-metrics.md "Rounding")
    size: Value = (
        float(abs(difference)) if isinstance(value, float) or isinstance(previous, float) else int(abs(difference))
    )
    return Comparison(label, shown, before, direction, sign, size, change_percent)


def summary(figures: ShownFigures, previous: ShownFigures) -> list[Comparison]:
    """The report's headline figures, each against the previous period's (both as the report shows them: a
    publication-safe report compares its publication-safe figures, so nothing hidden is told by a difference)."""
    rows: list[tuple[str, Value | None, Value | None]] = [
        (_("Unique persons served"), figures.unique_persons, previous.unique_persons),
        (_("New persons"), figures.new_persons, previous.new_persons),
        (_("Average persons a month"), figures.average_persons_per_month, previous.average_persons_per_month),
        (_("Families"), figures.families, previous.families),
        (_("Individual persons"), figures.individuals, previous.individuals),
        (_("Countries of origin"), figures.countries.count, previous.countries.count),
        (_("Contacts in all"), figures.contacts.total, previous.contacts.total),
        (_("Hours"), figures.contacts.hours, previous.contacts.hours),
        (_("Referrals in all"), figures.results.referrals.total, previous.results.referrals.total),
        (
            _("Goals achieved"),
            figures.results.goals.achieved.get("total"),
            previous.results.goals.achieved.get("total"),
        ),
        (
            _("Persons improved in at least one area"),
            figures.results.self_sufficiency.improved_in_any_area,
            previous.results.self_sufficiency.improved_in_any_area,
        ),
        (_("Case closures"), figures.results.closures.total, previous.results.closures.total),
    ]
    return [compare(label, value, before) for label, value, before in rows]


def build_report(
    figures: ShownFigures,
    *,
    with_charts: bool = False,
    kind: str | None = None,
    previous: ShownFigures | None = None,
) -> Report:
    """Everything a report page shows, in the active language. Charts only where asked (the PDF); the summary
    against `previous` (the previous period's figures, shown as these are) where given; `kind` (ReportKind) as
    the one who asked for the report named it, else as its period makes it."""
    start, end = figures.period.start, figures.period.end
    total = figures.unique_persons
    report = Report(
        suppressed=isinstance(figures, SafeFigures),
        unique_persons=total,
        provider_code=figures.provider,
        provider_name=figures.provider_name or _("All providers"),
        contracts=figures.contracts,
        period_label=period_label(start, end),
        start=start,
        end=end,
        kind=kind or report_kind(figures.period, figures.contracts),
    )
    report.kind_title = kind_titles().get(report.kind, _("Report"))
    if previous is not None:
        report.previous_label = period_label(previous.period.start, previous.period.end)
        report.summary = summary(figures, previous)
    staff, contacts = figures.staff, figures.contacts
    report.headline = [
        Row(_("Unique persons served"), total),
        Row(_("New persons"), figures.new_persons),
        Row(_("Average persons a month"), figures.average_persons_per_month),
        Row(_("Families"), figures.families),
        Row(_("Individual persons"), figures.individuals),
        Row(_("Average age"), _average(figures.average_age)),
        Row(_("Average age, 18–60"), _average(figures.average_age_adults)),
        Row(_("Countries of origin"), figures.countries.count),
    ]

    planned = figures.planned_persons_by_month or {}
    month_rows = []
    for key, value in figures.persons_by_month.items():
        target = planned.get(key)
        month_rows.append(Row(month_label(key), value, percent(value, target) if target else None, target))
    persons_table = Table(
        key="persons_by_month",
        title=_("Persons served by month"),
        rows=month_rows,
        headers=(_("Persons"), _("of the target, %"), _("Contract target")),
    )
    gender = _category_table("gender", _("Gender"), figures.gender, gender_labels(), total)
    wmc = Table(
        key="women_men_children",
        title=_("Women, men and children"),
        rows=_women_men_children(figures),
        headers=(_("Persons"), "%"),
    )
    ages = _category_table("age_groups", _("Age groups"), figures.age_groups, age_group_labels(), total)
    by_group = figures.gender_by_age_group
    gender_codes = list(gender_labels())
    ages_by_gender = Table(
        key="gender_by_age_group",
        title=_("Age groups by gender"),
        rows=[
            Row(label, cells=tuple(by_group[group][g] for g in gender_codes))
            for group, label in age_group_labels().items()
        ],
        headers=tuple(gender_labels().values()),
    )
    country_table = Table(
        key="countries",
        title=_("Countries of origin"),
        rows=_countries(figures),
        headers=(_("Persons"), "%"),
        note=_("%(count)s countries in all.") % {"count": figures.countries.count},
    )
    families = Table(
        key="families",
        title=_("Families and individual persons"),
        rows=[Row(_("Families"), figures.families), Row(_("Individual persons"), figures.individuals)],
        headers=(_("Number"),),
    )
    legal = _category_table("legal_status", _("Legal status"), figures.legal_status, legal_status_labels(), total)
    route = _category_table(
        "arrival_route", _("How they came to Latvia"), figures.arrival_route, arrival_route_labels(), total
    )
    residence = _category_table("residence", _("Residence"), figures.residence, residence_labels(), total)
    report.portrait = [persons_table, wmc, gender, ages, ages_by_gender, country_table, families]
    report.portrait += [legal, route, residence]

    form_labels = dict(ContactForm.choices)
    topic_labels = dict(Topic.choices)
    staff_table = Table(
        key="staff",
        title=_("Staff who delivered the service"),
        rows=[
            Row(_("Social workers"), staff.social_workers),
            Row(_("Social mentors"), staff.mentors),
            Row(_("Average persons a month"), figures.average_persons_per_month),
        ],
        headers=(_("Number"),),
    )
    contacts_total = Table(
        key="contacts",
        title=_("Contacts"),
        rows=[Row(_("Contacts in all"), contacts.total), Row(_("Hours"), contacts.hours)],
        headers=(_("Number"),),
    )
    by_form = Table(
        key="contacts_by_form",
        title=_("Contacts by form"),
        rows=[
            Row(str(form_labels.get(code, code)), value, percent(value, contacts.total))
            for code, value in contacts.by_form.items()
        ],
        headers=(_("Contacts"), "%"),
    )
    by_topic = Table(
        key="contacts_by_topic",
        title=_("Contacts by topic"),
        rows=[
            Row(label, n)
            for label, n in sorted(
                ((str(topic_labels.get(code, code)), n) for code, n in contacts.by_topic.items()),
                key=lambda item: (-item[1], item[0]),
            )
        ],
        headers=(_("Contacts"),),
        note=_("A contact with two topics counts under both."),
    )
    report.work = [staff_table, contacts_total, by_form, by_topic]
    report.results = results_tables(figures)

    if with_charts:
        _add_charts(report, figures)
    return report


def _value(value: Value | None) -> Value:
    """A figure as shown: NONE for one that cannot be given (a rate or mean over nobody)."""
    return NONE if value is None else value


def results_tables(figures: ShownFigures) -> list[Table]:
    """`results` of report-figures/2 as tables: referrals, goals, self-sufficiency and case closures (shared by the
    page and the XLSX). A table with `cells` rows has one column a header."""
    results = figures.results
    referrals, goals, ss, closures = results.referrals, results.goals, results.self_sufficiency, results.closures
    kinds, statuses = dict(InstitutionKind.choices), dict(ReferralStatus.choices)
    areas, reasons = dict(GoalArea.choices), dict(ClosureReason.choices)
    referral_table = Table(
        key="results_referrals",
        title=_("Referrals"),
        rows=[
            Row(_("Referrals in all"), referrals.total),
            Row(_("Persons referred"), referrals.persons),
            Row(_("Accompanied referrals"), referrals.accompanied),
            Row(_("Success rate, %"), _value(referrals.success_rate)),
        ],
        headers=(_("Number"),),
        note=_(
            "The referrals dated in the period. The success rate is the completed referrals of those completed, "
            "not successful or refused by the period's last day."
        ),
    )
    by_kind = Table(
        key="results_referrals_by_kind",
        title=_("Referrals by kind of institution"),
        rows=[Row(str(kinds.get(code, code)), n) for code, n in referrals.by_kind.items()],
        headers=(_("Referrals"),),
    )
    outcomes = Table(
        key="results_referral_outcomes",
        title=_("Referral outcomes on the period's last day"),
        rows=[Row(str(statuses.get(code, code)), n) for code, n in referrals.outcomes.items()],
        headers=(_("Referrals"),),
    )
    goal_columns = (
        (_("Set"), goals.set),
        (str(GoalStatus.ACHIEVED.label), goals.achieved),
        (str(GoalStatus.PARTLY_ACHIEVED.label), goals.partly_achieved),
        (str(GoalStatus.NOT_ACHIEVED.label), goals.not_achieved),
        (str(GoalStatus.DROPPED.label), goals.dropped),
        (_("Open at the end"), goals.open_at_end),
    )
    goal_table = Table(
        key="results_goals",
        title=_("Goals by area"),
        rows=[
            Row(
                str(areas[code]) if code in areas else _("In all"),
                cells=tuple(column[code] for _title, column in goal_columns),
            )
            for code in goals.set
        ],
        headers=tuple(title for title, _column in goal_columns),
        note=_(
            "Goals of the plans whose social worker belongs to the provider: set in the period, closed in it by "
            "their outcome, and open on its last day."
        ),
    )
    self_sufficiency = Table(
        key="results_self_sufficiency",
        title=_("Self-sufficiency by area"),
        rows=[
            Row(
                str(areas.get(code, code)),
                cells=(change.persons, change.improved, change.same, change.worse, _value(change.mean_change)),
            )
            for code, change in ss.by_area.items()
        ],
        headers=(_("Persons"), _("Improved"), _("Same"), _("Worse"), _("Mean change")),
        note=_(
            "Persons served assessed at least twice by the period's last day: %(twice)s; improved in at least one "
            "area: %(improved)s. Each area compares a person's earliest and latest scores of it."
        )
        % {"twice": ss.persons_assessed_twice, "improved": ss.improved_in_any_area},
    )
    closure_table = Table(
        key="results_closures",
        title=_("Case closures"),
        rows=[
            *(Row(str(reasons.get(code, code)), n) for code, n in closures.by_reason.items()),
            Row(_("Closures in all"), closures.total),
            Row(_("Cases reopened"), closures.reopened),
        ],
        headers=(_("Cases"),),
        note=_("Case episodes ended in the period, by reason; reopened: episodes begun in it after an earlier one."),
    )
    return [referral_table, by_kind, outcomes, goal_table, self_sufficiency, closure_table]


def _add_charts(report: Report, figures: ShownFigures) -> None:
    """The PDF's charts. A short table has its chart beside it (drawn narrow, in larger type), so that a table
    and its chart take the height of one of them; a wide table has its chart under it, drawn wide and low."""
    tables = {table.key: table for table in report.portrait + report.work}
    _chart(
        tables["persons_by_month"],
        charts.persons_by_month(
            figures.persons_by_month,
            figures.planned_persons_by_month or None,
            persons=_("Persons served"),
            target=_("Contract target"),
            month_labels=[month_label(key) for key in figures.persons_by_month],
            width=charts.BELOW,
        ),
        # Under the table, across the page: beside it, a year's month names would take the chart's room.
        "below",
    )
    by_group = figures.gender_by_age_group
    _chart(
        tables["gender_by_age_group"],
        charts.stacked(
            list(age_group_labels().values()),
            [(label, [by_group[group][g] for group in age_group_labels()]) for g, label in gender_labels().items()],
            horizontal=True,
            width=charts.SIDE,
        ),
        "side",
    )
    _bars(tables["countries"], "side")
    for key in ("legal_status", "arrival_route", "residence", "contacts_by_form"):
        _donut(tables[key])
    if tables["contacts_by_topic"].rows:
        _bars(tables["contacts_by_topic"], "side")
    _add_result_charts(report)


def _chart(table: Table, drawing: str, kind: str) -> None:
    table.chart, table.chart_kind = charts.data_uri(drawing), kind


def _bars(table: Table, kind: str, rows: list[Row] | None = None) -> None:
    """Horizontal bars of the table's rows (or of `rows`), beside the table ("side") or under it ("below")."""
    width = charts.SIDE if kind == "side" else charts.BELOW
    drawn = [(row.label, row.value) for row in (table.rows if rows is None else rows)]
    _chart(table, charts.bars(drawn, horizontal=True, width=width), kind)


def _donut(table: Table) -> None:
    rows = [(row.label, row.value) for row in table.rows]
    table.chart, table.chart_kind, table.legend = (
        charts.data_uri(charts.donut(rows)),
        "donut",
        charts.donut_legend(rows),
    )


def _add_result_charts(report: Report) -> None:
    """The results' charts, drawn from their tables' cells as shown (a hidden cell is not drawn)."""
    tables = {table.key: table for table in report.results}
    # Institutions have long names: their bars go under the table, across the page.
    _bars(tables["results_referrals_by_kind"], "below")
    _donut(tables["results_referral_outcomes"])
    goals = tables["results_goals"]
    areas = goals.rows[:-1]  # the last row is the total of every area
    # The outcomes and the goals still open: what became of the goals of each area (not the goals set).
    _chart(
        goals,
        charts.stacked(
            [row.label for row in areas],
            [(goals.headers[i], [row.cells[i] for row in areas]) for i in range(1, len(goals.headers))],
            horizontal=True,
            width=charts.BELOW,
        ),
        "below",
    )
    ss = tables["results_self_sufficiency"]
    _chart(
        ss,
        charts.stacked(
            [row.label for row in ss.rows],
            [(ss.headers[i], [row.cells[i] for row in ss.rows]) for i in (1, 2, 3)],
            horizontal=True,
            width=charts.BELOW,
        ),
        "below",
    )
    closures = tables["results_closures"]
    _bars(closures, "below", rows=closures.rows[:-2])  # then the closures in all and the cases reopened


def definitions() -> list[tuple[str, str]]:
    """The definitions of shared/spec/report-metrics.md, as the report states them."""
    return [
        (
            _("Contacts of the report"),
            _(
                "The service contacts dated within the period, of the chosen provider (the provider of the staff "
                "member who delivered the contact), or of all providers."
            ),
        ),
        (
            _("Persons served (unique persons)"),
            _(
                "The clients served by at least one contact of the report. A contact serves the clients it names "
                "and, where it names a family, every member of that family. Each person counts once however many "
                "contacts they had."
            ),
        ),
        (
            _("One person at several providers"),
            _(
                "In the report of all providers, a person who is a client of two providers, each keeping its own "
                "record, counts once. Records are matched by a keyed hash of the name written loosely (spellings "
                "such as Muhammad and Mohammad meet) together with the birth date; the key is held by the fund, "
                "and no provider sees another provider's clients. A record without a birth date cannot be matched "
                "and counts as a person of its own. A client handed over to a new provider keeps one record and "
                "counts once. A person counted once is described (gender, age, country, status) by their earliest "
                "record; families are counted as each provider records them. Each provider's own report counts "
                "its own records."
            ),
        ),
        (
            _("By month"),
            _(
                "For each calendar month that the period touches, the unique persons served by the contacts of that "
                "month. The average a month is the mean of these monthly figures over every month the period "
                "touches, months without contacts included."
            ),
        ),
        (
            _("Families and individual persons"),
            _(
                "A family is a group of two or more clients sharing a family. Families counts the families with at "
                "least one member among the persons served; individual persons are the persons served who belong "
                "to no such family."
            ),
        ),
        (
            _("Age"),
            _(
                "In completed years on the period's last day. Children are under 18, adults 18 to 60 inclusive, "
                "and the oldest group over 60. Average ages are rounded to one decimal."
            ),
        ),
        (
            _("Women, men and children"),
            _("Women and men are the persons served aged 18 or over (or of unknown age); children are under 18."),
        ),
        (
            _("Legal status and residence"),
            _(
                "Each person's on the period's last day, from their history: the latest entry that took effect on "
                "or before that day. Residence is the asylum seekers' reception centre or outside it."
            ),
        ),
        (_("New persons"), _("Persons served whose first contact ever, of any provider, is in the period.")),
        (_("Staff"), _("The social workers and mentors who delivered at least one contact of the report.")),
        (
            _("Contacts and hours"),
            _(
                "The report's contacts, each counted once, in all, by form and by topic (a contact with two topics "
                "counts under both); hours are the sum of their durations, rounded to one decimal."
            ),
        ),
        (_("Percentages"), _("Shares of the unique persons served, rounded to whole per cent.")),
        (
            _("Publication-safe version"),
            _(
                "Every figure of 1 to 4 persons, other than the totals, is shown as “<5”, and a figure that would "
                "let it be worked back is hidden too."
            ),
        ),
    ]
