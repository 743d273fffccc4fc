from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class LanguageForm(forms.Form):
    """The language of the morning messages and the calendar (`User.language`)."""

    language = forms.ChoiceField(label=_("Language of reminders"), choices=settings.LANGUAGES)
