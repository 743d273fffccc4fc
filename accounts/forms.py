"""Sign-in form, laid out with crispy forms, and the forms of the account pages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import lockout


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Sign in"), css_class="w-100"))
        # AuthenticationForm sets max_length after the field is built, so no validator enforces it;
        # an over-long name would reach the lockout records, whose column is shorter.
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))

    def get_invalid_login_error(self) -> ValidationError:
        # Counted for the name and address, whether or not such a user exists: the answer reveals nothing.
        left = lockout.attempts_left(self.request, self.cleaned_data.get("username"))
        warning = ngettext(
            "After %(count)d more failed attempt, sign-in will be locked for 30 minutes.",
            "After %(count)d more failed attempts, sign-in will be locked for 30 minutes.",
            left,
        ) % {"count": left}
        return ValidationError([super().get_invalid_login_error(), ValidationError(warning, code="attempts_left")])


class StaffAccountForm(forms.Form):
    """Names the staff account a manager acts on (the view checks it is theirs)."""

    user = forms.IntegerField(min_value=1)
