"""Every URL of the project, walked with every role and anonymous, for an assigned record, another
record of the same provider and another provider's record, with every HTTP method.

A URL without a rule in POLICY fails the suite: adding a view means deciding who may reach it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ("anonymous", "social_worker", "mentor", "manager", "coordinator")
# A: assigned to the mentor and the social worker; S: the same provider, assigned to nobody;
# F: another provider's. Records of kind "none" are pages without a record.
RELATIONS = ("A", "S", "F")
OTHER_METHODS = ("PUT", "PATCH", "DELETE")
METHODS_OTHER_RECORDS = ("GET", "POST", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Rule:
    # The record the URL's argument names: client, family, plan, goal, task, job, staff, referral, institution,
    # assessment, group_session, calendar, consent, document or none.
    kind: str
    methods: frozenset[str]
    allowed: dict[str, str] = field(default_factory=dict)  # role -> relations it may use ("X" for none)
    public: bool = False  # reachable without signing in
    query: str = ""  # the query string a page needs to name what it shows


def rule(kind: str, methods: str, public: bool = False, query: str = "", **allowed: str) -> Rule:
    return Rule(kind, frozenset(methods.split()), allowed, public, query)


A_MONTH = "?kind=month&month=2026-01&language=lv"


EVERYONE = {"social_worker": "X", "mentor": "X", "manager": "X", "coordinator": "X"}
CLIENT_AREA = {"social_worker": "X", "mentor": "X", "manager": "X"}
WRITERS = {"social_worker": "AS", "manager": "AS"}
READERS = {"social_worker": "AS", "mentor": "A", "manager": "AS"}
REPORT_READERS = {"social_worker": "X", "manager": "X", "coordinator": "X"}
JOB_READERS = {"social_worker": "AS", "manager": "AS", "coordinator": "ASF"}

POLICY: dict[str, Rule] = {
    "home": rule("none", "GET", **EVERYONE),
    # A staff member's caseload and open tasks: their provider's managers only (issue 17).
    "home:staff_caseload": rule("staff", "GET", manager="AS"),
    "healthz": rule("none", "GET", public=True),
    # Django's language switch sends any request back, changing the language only on POST.
    "set_language": rule("none", "GET POST PUT PATCH DELETE", public=True),
    # Django's form views take PUT as POST.
    "accounts:login": rule("none", "GET POST PUT", public=True),
    "accounts:logout": rule("none", "POST", **EVERYONE),
    "accounts:two_factor_setup": rule("none", "GET POST", **EVERYONE),
    "accounts:two_factor_verify": rule("none", "GET POST", **EVERYONE),
    # "Stay signed in" before the idle limit: JSON for the page's script.
    "accounts:session_keepalive": rule("none", "POST", **EVERYONE),
    "accounts:password_change": rule("none", "GET POST PUT", **EVERYONE),
    "accounts:recovery_codes": rule("none", "GET POST", **EVERYONE),
    "accounts:staff": rule("none", "GET", manager="X"),
    "accounts:staff_two_factor_reset": rule("none", "POST", manager="X"),
    "accounts:staff_unlock": rule("none", "POST", manager="X"),
    "audit:list": rule("none", "GET", manager="X"),
    "audit:export": rule("none", "GET", manager="X"),
    "clients:list": rule("none", "GET", **CLIENT_AREA),
    "clients:create": rule("none", "GET POST", social_worker="X", manager="X"),
    "clients:detail": rule("client", "GET", **READERS),
    "clients:edit": rule("client", "GET POST", **WRITERS),
    "clients:status_change": rule("client", "GET POST", **WRITERS),
    "clients:residence_change": rule("client", "GET POST", **WRITERS),
    "clients:handover": rule("client", "GET POST", manager="AS"),
    "clients:merge": rule("client", "GET POST", manager="AS"),
    # Consents (issue 20): recorded and withdrawn by social workers and managers; mentors read them on the client page.
    "clients:consent_create": rule("client", "GET POST", **WRITERS),
    "clients:consent_withdraw": rule("consent", "POST", **WRITERS),
    # Documents (issue 20): read and added by the client's social workers and managers and by its own mentor (who
    # photographs a permit on a visit); removed by social workers and managers (the first POST asks to confirm);
    # never a coordinator.
    "clients:document_upload": rule("client", "GET POST", **READERS),
    "clients:document_download": rule("document", "GET", **READERS),
    "clients:document_delete": rule("document", "POST", **WRITERS),
    "clients:family_list": rule("none", "GET", **CLIENT_AREA),
    "clients:family_create": rule("none", "GET POST", social_worker="X", manager="X"),
    "clients:family_detail": rule("family", "GET", **READERS),
    "clients:family_add_member": rule("family", "GET POST", **WRITERS),
    "exchange:import": rule("none", "GET POST", manager="X"),
    "exchange:import_confirm": rule("none", "POST", manager="X"),
    "exchange:export": rule("none", "GET", manager="X"),
    "privacy:export_json": rule("client", "GET", manager="AS"),
    "privacy:export_pdf": rule("client", "GET", manager="AS"),
    "privacy:anonymise": rule("client", "GET POST", manager="AS"),
    "privacy:anonymise_due": rule("none", "GET POST", manager="X"),
    "plans:timeline": rule("client", "GET", **READERS),
    # A contact needs a staff member: a manager without a staff record may not log one.
    "plans:contact_create": rule("client", "GET POST", social_worker="AS", mentor="A"),
    "plans:contact_create_family": rule("family", "GET POST", social_worker="AS", mentor="A"),
    "plans:plan_create": rule("client", "GET POST", **WRITERS),
    "plans:plan_create_family": rule("family", "GET POST", **WRITERS),
    "plans:plan_detail": rule("plan", "GET", **READERS),
    "plans:plan_edit": rule("plan", "GET POST", **WRITERS),
    "plans:plan_activate": rule("plan", "POST", **WRITERS),
    "plans:plan_close": rule("plan", "GET POST", **WRITERS),
    "plans:goal_add": rule("plan", "GET POST", **WRITERS),
    "plans:task_add": rule("goal", "GET POST", **WRITERS),
    # Goals' outcomes and plan reviews (issue 19): mentors read them on the plan page only.
    "plans:goal_status": rule("goal", "POST", **WRITERS),
    "plans:plan_review": rule("plan", "GET POST", **WRITERS),
    # Referrals (issue 19): made by a staff member, as contacts are (a manager without a staff record names which
    # of their staff made it); the outcome by any of the provider's referrers who sees the client; the provider's
    # list (a mentor's: their assigned clients'; never a coordinator: persons' data); the catalogue kept by managers.
    "plans:referral_create": rule("client", "GET POST", social_worker="AS", mentor="A", manager="AS"),
    "plans:referral_create_family": rule("family", "GET POST", social_worker="AS", mentor="A", manager="AS"),
    "plans:referral_outcome": rule("referral", "GET POST", social_worker="AS", mentor="A", manager="AS"),
    "plans:referral_list": rule("none", "GET", **CLIENT_AREA),
    # Closing and reopening a case (issue 19): the provider's social workers and managers, as they write records.
    "plans:case_close": rule("client", "GET POST", **WRITERS),
    "plans:case_reopen": rule("client", "GET POST", **WRITERS),
    "plans:follow_up_done": rule("client", "POST", **WRITERS),
    # Self-sufficiency assessments (issue 19): recorded by social workers and managers, read by the client's readers.
    "plans:assessment_create": rule("client", "GET POST", **WRITERS),
    "plans:assessment_detail": rule("assessment", "GET", **READERS),
    # Group sessions (issue 20): run by a staff member, as contacts are; listed and read by those who work with
    # clients (a mentor: the sessions they ran or with their clients listed); coordinators never (the attendance
    # names persons). The attendance is corrected by who ran the session, or by the provider's social workers and
    # managers. A: run by the signed-in mentor for client A; S: by another mentor of the provider; F: another
    # provider's.
    "plans:group_session_create": rule("none", "GET POST", social_worker="X", mentor="X"),
    "plans:group_session_list": rule("none", "GET", **CLIENT_AREA),
    "plans:group_session_detail": rule("group_session", "GET", **READERS),
    "plans:group_session_edit": rule("group_session", "GET POST", **WRITERS, mentor="A"),
    "plans:institution_list": rule("none", "GET", manager="X"),
    "plans:institution_create": rule("none", "GET POST", manager="X"),
    "plans:institution_edit": rule("institution", "GET POST", manager="AS"),
    "plans:my_tasks": rule("none", "GET", **CLIENT_AREA),
    "plans:task_edit": rule("task", "GET POST", **WRITERS),
    "plans:task_update": rule("task", "POST", **READERS),
    "plans:task_note_add": rule("task", "POST", **READERS),
    # Reminders (issue 20): the person's own page (language, calendar address); never a coordinator's (no clients).
    "reminders:settings": rule("none", "GET POST", **CLIENT_AREA),
    "reminders:calendar_address": rule("none", "POST", **CLIENT_AREA),
    # The calendar a calendar app fetches without signing in: public, the random key in the address is the key
    # (kept hashed, revocable, limited per address); "calendar": the mentor's (A), another's (S), a foreign one's (F).
    "reminders:calendar_feed": rule("calendar", "GET", public=True),
    "reporting:index": rule("none", "GET", **REPORT_READERS),
    "reporting:figures_xlsx": rule("none", "GET", query=A_MONTH, **REPORT_READERS),
    "reporting:figures_json": rule("none", "GET", query=A_MONTH, **REPORT_READERS),
    "reporting:narrative": rule("none", "GET POST", query=A_MONTH, manager="X"),
    "reporting:archive": rule("none", "GET", **REPORT_READERS),
    "reporting:job_create": rule("none", "POST", manager="X", coordinator="X"),
    "reporting:job_detail": rule("job", "GET", **JOB_READERS),
    "reporting:job_status": rule("job", "GET", **JOB_READERS),
    "reporting:job_download": rule("job", "GET", **JOB_READERS),
    # Issue 21: the archived reports whose figures differ now (figures only), and "check again" (a report maker's).
    "reporting:restatements": rule("none", "GET", **REPORT_READERS),
    "reporting:job_recheck": rule("job", "POST", manager="AS", coordinator="ASF"),
    # The providers side by side (issue 21): only who reads every provider's reports (domain.md), the coordinator.
    "reporting:compare": rule("none", "GET", query=A_MONTH, coordinator="X"),
    "reporting:compare_xlsx": rule("none", "GET", query=A_MONTH, coordinator="X"),
}
# The Django admin is for superusers only; every role here is sent to the admin's sign-in.
ADMIN = "admin:"


def url_patterns(patterns=None, namespace: str | None = None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            yield from url_patterns(
                pattern.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner or namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


ALL_NAMES = sorted({name for name, _pattern in url_patterns()})


def test_every_url_of_the_project_has_a_rule():
    unruled = [name for name in ALL_NAMES if name not in POLICY and not name.startswith(ADMIN)]
    assert unruled == []
    assert [name for name in POLICY if name not in ALL_NAMES] == []


def reverse_for(name: str, pattern: URLPattern, record) -> str:
    keywords = list(pattern.pattern.regex.groupindex)
    # A calendar's address names its key, not a primary key.
    return reverse(name, kwargs={keyword: getattr(record, keyword, record.pk) for keyword in keywords})


def expectation(rule_: Rule, role: str, relation: str, method: str) -> set[int] | str:
    """The statuses allowed for one request, or "allowed" for any answer but a denial or an error."""
    if role == "anonymous" and not rule_.public:
        return {302, 405}
    if rule_.public:
        return "allowed" if method in rule_.methods else {405}
    if method not in rule_.methods:
        return {403, 404, 405}
    if role == "anonymous" or relation in rule_.allowed.get(role, "") or "X" in rule_.allowed.get(role, ""):
        return "allowed"
    # Another provider's record, and a record kind the role never reads, do not exist for the role.
    return {404} if relation == "F" else {403, 404}


@pytest.mark.parametrize("name", [name for name in ALL_NAMES if not name.startswith(ADMIN)])
def test_each_role_reaches_only_what_the_policy_allows(client, world, name):
    users, records = world
    rule_ = POLICY[name]
    pattern = dict(url_patterns())[name]
    failures = []
    relations = RELATIONS if rule_.kind != "none" else ("A",)
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        for relation in relations:
            record = records[relation].get(rule_.kind)
            url = (reverse_for(name, pattern, record) if record else reverse(name)) + rule_.query
            # HEAD and OPTIONS on every relation: neither may answer where GET is denied.
            methods = ("GET", "POST", "HEAD", "OPTIONS", *OTHER_METHODS) if relation == "A" else METHODS_OTHER_RECORDS
            for method in methods:
                response = getattr(client, method.lower())(url)
                status = response.status_code
                if method == "OPTIONS":
                    # Django's class-based views answer OPTIONS with the allowed methods and no body.
                    expected = {200, 302, 403, 404, 405}
                    ok = status in expected and not (status == 200 and response.content)
                else:
                    # HEAD is GET without the body: allowed where GET is, or refused with 405.
                    expected = expectation(rule_, role, relation, "GET" if method == "HEAD" else method)
                    if expected == "allowed":
                        ok = status < 500 and status not in (403, 404, 405 if method != "HEAD" else 403)
                    else:
                        ok = status in expected or (method == "HEAD" and status == 405)
                if role == "anonymous" and status == 302 and not rule_.public:
                    ok = ok and response["Location"].startswith(reverse("accounts:login"))
                if not ok:
                    failures.append(f"{role} {relation} {method} {url} -> {status}, expected {expected}")
    assert failures == []


@pytest.mark.parametrize("name", [name for name in ALL_NAMES if name.startswith(ADMIN)])
def test_the_admin_is_closed_to_every_role(client, world, name):
    users, _records = world
    pattern = dict(url_patterns())[name]
    keywords = list(pattern.pattern.regex.groupindex)
    values = {"app_label": "clients", "content_type_id": "1", "object_id": "1", "url": "x"}
    url = (
        reverse(name, kwargs={keyword: values.get(keyword, "1") for keyword in keywords}) if keywords else reverse(name)
    )
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        response = client.get(url)
        if name == "admin:login":
            assert response.status_code in (200, 302), (role, url, response.status_code)
            continue
        assert response.status_code in (302, 404), (role, url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].split("?")[0] in (
                reverse("admin:login"),
                reverse("admin:index"),
                reverse("accounts:two_factor_setup"),
            )
