"""Sign-in form, laid out with crispy forms, and the forms of the account pages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from . import lockout

# Django's own Latvian for these has its plural forms in another order ("ne vairāk kā 100 zīmei", "vismaz 8
# rakstzīmei"), a field's name in the wrong case ("pārāk līdzīga lietotājvārds") or speaks to the reader as "tu";
# the project's catalogue comes first, so they are translated again there. Named here so that makemessages keeps
# them in it.
DJANGO_MESSAGES_TRANSLATED_AGAIN = (
    _("Your old password was entered incorrectly. Please enter it again."),
    _("Enter the same password as before, for verification."),
    _("The password is too similar to the %(verbose_name)s."),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)

ATTEMPTS_LEFT = (
    '{% if form.attempts_left_warning %}<div id="attempts-left" class="alert alert-warning" role="status">'
    "{{ form.attempts_left_warning }}</div>{% endif %}"
)


class SignInForm(AuthenticationForm):
    # Django's Latvian put the field's name into its sentence in the wrong case ("pareizu lietotājvārds").
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or the password is wrong. Capital and small letters count."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attempts_left: int | None = None
        self.helper = FormHelper()
        # The warning goes between the form's error (at its top) and its fields.
        self.helper.layout = Layout(HTML(ATTEMPTS_LEFT), "username", "password")
        self.helper.add_input(Submit("submit", _("Sign in"), css_class="w-100"))
        # AuthenticationForm sets max_length after the field is built, so no validator enforces it;
        # an over-long name would reach the lockout records, whose column is shorter.
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))

    def get_invalid_login_error(self) -> ValidationError:
        # Counted for the name and address, whether or not such a user exists: the answer reveals nothing.
        self.attempts_left = lockout.attempts_left(self.request, self.cleaned_data.get("username"))
        return super().get_invalid_login_error()

    @property
    def attempts_left_warning(self) -> str:
        """After a failed sign-in, how many tries are left and how long the lock that follows lasts."""
        if self.attempts_left is None:
            return ""
        minutes = lockout.cool_off_minutes()
        left = ngettext("%(count)d attempt left.", "%(count)d attempts left.", self.attempts_left) % {
            "count": self.attempts_left
        }
        lock = ngettext(
            "After that, sign-in is locked for %(minutes)d minute.",
            "After that, sign-in is locked for %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        return f"{left} {lock}"


class StaffAccountForm(forms.Form):
    """Names the staff account a manager acts on (the view checks it is theirs)."""

    user = forms.IntegerField(min_value=1)
