"""The form of a group session and its attendance list: the clients are only those the user may see."""

from __future__ import annotations

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.filters import search_clients
from clients.models import Client, by_name

from .choices import GroupSessionKind, Topic
from .forms import DURATION_MESSAGE, DateInput

# The clients a search offers at once: a name or a reference narrows a provider's few hundred to a handful.
SEARCH_RESULTS = 20
PRESENT, ABSENT = "present", "absent"


class AttendanceForm(forms.Form):
    """The attendance list: `clients` (the listed ones, ticked) and for each one a choice `attendance_<pk>` of
    present or absent (present unless said otherwise). Only clients the user may see can be listed."""

    # Rendered by the template as the attendance list (templates/plans/group_session_form.html), not by crispy.
    clients = forms.ModelMultipleChoiceField(
        label=_("Attendance"),
        queryset=Client.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("A client listed is not one you may list.")},
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["clients"].queryset = Client.objects.for_user(user)

    def attendance(self) -> dict[Client, bool]:
        """Every client listed and whether they came (after `is_valid()`)."""
        return {client: present_in(self.data, client) for client in self.cleaned_data.get("clients") or []}


class GroupSessionForm(AttendanceForm):
    """The session's fields, then its attendance list."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind of session"), choices=GroupSessionKind.choices)
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"),
        required=False,
        min_value=1,
        max_value=1440,
        error_messages={"min_value": DURATION_MESSAGE, "max_value": DURATION_MESSAGE},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    place = forms.CharField(label=_("Institution or place"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *[InlineCheckboxes(name) if name == "topics" else name for name in self.fields if name != "clients"]
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A contact cannot be dated in the future."))
        return day


def present_in(data: QueryDict | dict, client: Client) -> bool:
    """Whether the form says the client came: present unless marked absent."""
    return data.get(f"attendance_{client.pk}", PRESENT) != ABSENT


def listed_in(data: QueryDict, *, user: User) -> list[tuple[Client, bool]]:
    """The clients a posted form lists, as the page shows them again (a search, an error), by name: only those
    the user may list, each with whether they came; one query."""
    pks = [pk for pk in data.getlist("clients") if pk.isdigit()]
    found = Client.objects.for_user(user).filter(pk__in=pks).order_by(*by_name(), "pk")
    return [(client, present_in(data, client)) for client in found]


def client_search(*, user: User, query: str, exclude: list[int]) -> QuerySet[Client]:
    """The clients the user may list whose name or reference matches `query` (the client list's search rule),
    by name, not those already listed; the first `SEARCH_RESULTS`. Open cases only: a closed case takes part in no
    new session (one listed before it closed stays on the session)."""
    if not query.strip():
        return Client.objects.none()
    open_cases = Client.objects.for_user(user).filter(service_end__isnull=True)
    found = search_clients(open_cases.order_by(*by_name(), "pk"), query)
    return found.exclude(pk__in=exclude)[:SEARCH_RESULTS]


def initial_from(data: QueryDict) -> dict:
    """The session's fields as a posted form carries them, as the initial values of an unbound form: a search shows
    the form again as it was typed, without calling it wrong."""
    return {
        name: data.getlist(name) if isinstance(field, forms.MultipleChoiceField) else data.get(name)
        for name, field in GroupSessionForm.base_fields.items()
        if name != "clients" and name in data
    }
