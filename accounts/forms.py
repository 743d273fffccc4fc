"""Sign-in form, laid out with crispy forms."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Sign in"), css_class="w-100"))
        # AuthenticationForm sets max_length after the field is built, so no validator enforces it;
        # an over-long name would reach the lockout records, whose column is shorter.
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))
