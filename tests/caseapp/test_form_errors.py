"""Every kind of crispy field shows its error where it can be seen, and long forms sum their errors up at the top."""

import re

import pytest
from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from crispy_forms.utils import render_crispy_form
from django import forms
from django.urls import reverse

CHOICES = [("a", "A"), ("b", "B")]


class EveryWidget(forms.Form):
    text = forms.CharField(label="Text")
    choice = forms.ChoiceField(label="Select", choices=CHOICES)
    radios = forms.ChoiceField(label="Radios", choices=CHOICES, widget=forms.RadioSelect)
    inline_radios = forms.ChoiceField(label="Inline radios", choices=CHOICES, widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(label="Boxes", choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    inline_boxes = forms.MultipleChoiceField(label="Inline boxes", choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    agree = forms.BooleanField(label="Agree")
    upload = forms.FileField(label="File")
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "text",
            "choice",
            "radios",
            InlineRadios("inline_radios"),
            "boxes",
            InlineCheckboxes("inline_boxes"),
            "agree",
            "upload",
            "hidden",
        )

    def clean(self):
        raise forms.ValidationError("Nothing fits together.")


class Short(forms.Form):
    name = forms.CharField(label="Name")

    def clean(self):
        raise forms.ValidationError("Not this one.")


def test_every_kind_of_field_shows_its_error_visibly_and_names_it_for_screen_readers():
    form = EveryWidget(data={"hidden": "x"})
    html = render_crispy_form(form)
    for name in ["text", "choice", "radios", "inline_radios", "boxes", "inline_boxes", "agree", "upload"]:
        blocks = re.findall(rf'<div id="id_{name}_error" class="([^"]*)">', html)
        assert len(blocks) == 1, name
        assert {"invalid-feedback", "d-block"} <= set(blocks[0].split()), name
        assert f'aria-describedby="id_{name}_error"' in html, name


@pytest.mark.parametrize("language", ["en", "lv"])
def test_a_long_form_lists_every_error_with_a_link_to_its_field(language, settings):
    settings.LANGUAGE_CODE = language
    html = render_crispy_form(EveryWidget(data={}))
    summary = html[html.index('role="alert"') : html.index('id="div_id_text"')]
    assert "Nothing fits together." in summary
    for target in ["id_text", "id_choice", "id_radios_0", "id_inline_radios_0", "id_boxes_0", "id_agree", "id_upload"]:
        assert f'href="#{target}"' in summary, target
    assert "autofocus" in summary


def test_a_short_form_shows_only_its_own_errors_at_the_top():
    html = render_crispy_form(Short(data={}))
    assert 'role="alert"' in html
    assert "Not this one." in html
    assert 'href="#id_name"' not in html
    assert "autofocus" not in html


@pytest.mark.django_db
def test_the_report_form_sums_up_its_errors_at_the_top(client, coordinator, provider):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("reporting:index"), {"kind": "month", "month": "2026-13", "language": "en"})
    html = page.content.decode()
    summary = html[
        html.index('class="alert alert-danger form-errors"') : html.index("</ul>", html.index("form-errors"))
    ]
    assert 'href="#id_month"' in summary
    # The id Django's aria-describedby names for a field's error.
    assert 'id="id_month_error"' in html
