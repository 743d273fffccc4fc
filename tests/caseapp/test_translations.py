"""Every message in both languages: the Latvian catalogue complete, compiled, and no template text left untranslated.

Three ways a person sees English on a Latvian page (or the other way round), each caught here:
- an entry of locale/lv/LC_MESSAGES/django.po untranslated or fuzzy (Django never shows a fuzzy translation);
- a .po newer than its .mo: translated, but not compiled, so the running app does not have it;
- text typed into a template outside {% translate %} / {% blocktranslate %}, or a template's message that
  makemessages has not collected yet. Templates are read with Django's own template lexer; what is left outside
  the tags (text, and the attributes people read: title, alt, placeholder, aria-label) must have no letters.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

LOCALE = Path(settings.BASE_DIR) / "locale"
TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Text allowed outside the translation tags, and why: none of it is in either language.
ALLOWED_WORDS = {
    "SIF",  # the fund's abbreviation, the same in Latvian and English
    "ESF",  # the European Social Fund's, likewise
    "PDF",
    "XLSX",
    "CSV",
    "JSON",
    "ID",
    "Latviešu",  # the language switch names each language in itself, as people look for their own
    "English",
}
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription"}
LETTERS = re.compile(r"[^\W\d_]")


# The catalogue -------------------------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete ones, `#~`, are not part of the catalogue)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry
        if entry.line:
            entries.append(entry)
        entry = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and target is not None:
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, (getattr(entry, name) or "") + _unquote(line))
        else:
            # makemessages writes a blank line between entries, so an entry is the lines between two blanks.
            keyword, _, value = line.partition(" ")
            if not entry.line:
                entry.line = number
            indexed = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if indexed:
                target = ("msgstr", int(indexed.group(1)))
                entry.msgstr[target[1]] = _unquote(value)
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = _unquote(value)
            else:
                target = (keyword, 0)
                setattr(entry, keyword, _unquote(value))
    finish()
    return [entry for entry in entries if entry.msgid]


@pytest.fixture(scope="module")
def latvian() -> list[Entry]:
    return read_po(LOCALE / "lv" / "LC_MESSAGES" / "django.po")


def test_the_catalogue_reader_reads_plurals_contexts_and_flags(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3;\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "month"\nmsgid "May"\nmsgstr "Maijs"\n\n'
        '#, python-format\nmsgid "%(count)d day"\nmsgid_plural "%(count)d days"\n'
        'msgstr[0] "%(count)d diena"\nmsgstr[1] ""\n"%(count)d dienas"\nmsgstr[2] "%(count)d dienu"\n',
        encoding="utf-8",
    )
    month, days = read_po(po)
    assert (month.msgctxt, month.msgid, month.msgstr, "fuzzy" in month.flags) == ("month", "May", {0: "Maijs"}, True)
    assert days.msgid_plural == "%(count)d days"
    assert days.msgstr == {0: "%(count)d diena", 1: "%(count)d dienas", 2: "%(count)d dienu"}
    assert "fuzzy" not in days.flags


def test_every_latvian_message_is_translated_and_none_is_fuzzy(latvian):
    untranslated = [
        f"line {entry.line}: {entry.msgid!r}"
        for entry in latvian
        if "fuzzy" in entry.flags
        or not entry.msgstr
        or any(not text for text in entry.msgstr.values())
        or (entry.msgid_plural is not None and len(entry.msgstr) != 3)
    ]
    assert not untranslated, "untranslated or fuzzy in lv:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("language", ["lv", "en"])
def test_the_compiled_catalogue_holds_exactly_what_the_po_file_says(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for entry in read_po(folder / "django.po"):
        if "fuzzy" in entry.flags or not all(entry.msgstr.values()):
            continue  # msgfmt leaves these out, and the app falls back to the English msgid
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr[0]
        else:
            expected.update({(entry.key, index): text for index, text in entry.msgstr.items()})
    compiled = {key: text for key, text in compiled.items() if key != ""}
    stale = sorted(
        repr(key) for key in expected.keys() - compiled.keys() | {k for k in expected if compiled.get(k) != expected[k]}
    )
    extra = sorted(repr(key) for key in compiled.keys() - expected.keys())
    assert not stale, f"{language}: in the .po, not (or otherwise) in the .mo; run compilemessages:\n" + "\n".join(
        stale
    )
    assert not extra, f"{language}: in the .mo, no longer in the .po; run compilemessages:\n" + "\n".join(extra)


# The templates -------------------------------------------------------------------------------------------------

# A space: a tag inside an HTML tag (`<tr{% if late %} class="late"{% endif %}>`) leaves the HTML readable.
PLACEHOLDER = " "
TRANSLATING = ("blocktranslate", "blocktrans")
ENDS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}


def skeleton(source: str) -> str:
    """The template with every tag, variable, comment and translated block replaced by a placeholder."""
    parts: list[str] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if name in ENDS:
                closing = ENDS[name]
        parts.append(PLACEHOLDER)
    return "".join(parts)


class _Reader(HTMLParser):
    """Collects the text people read: text nodes outside <script> and <style>, and the attributes read aloud."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.found.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button", "reset"):
            self.found.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.found.append(data)


def untranslated_text(source: str) -> list[str]:
    reader = _Reader()
    reader.feed(skeleton(source))
    reader.close()
    texts = []
    for text in reader.found:
        words = text.split()
        if any(LETTERS.search(word) and word.strip(".,:;()·–-") not in ALLOWED_WORDS for word in words):
            texts.append(" ".join(words))
    return texts


def all_templates() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob("*") if path.suffix in (".html", ".txt"))


def test_the_template_reader_finds_text_outside_the_translation_tags():
    source = (
        '{% load i18n %}<h1 title="Hello">{% translate "Sign in" %}</h1>{# Nothing #}'
        "{% blocktranslate %}With {{ name }}{% endblocktranslate %}<p>Save</p><b>{{ name }} · 2</b>"
        "<script>const a = 'x';</script><style>b { color: red }</style>{% comment %}a note{% endcomment %}"
        '<a href="{% url "home" %}" class="btn">PDF</a><input type="submit" value="Send"><input name="q" value="x">'
    )
    assert untranslated_text(source) == ["Hello", "Save", "Send"]


@pytest.mark.parametrize("path", all_templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_templates_have_no_text_outside_the_translation_tags(path):
    found = untranslated_text(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(TEMPLATES)}: wrap in {{% translate %}}: {found}"


GETTEXT_CALL = re.compile(
    r"\b(n?p?gettext)\((u?'(?:[^'\\]|\\.)*')(?:,\s*(u?'(?:[^'\\]|\\.)*'))?(?:,\s*(u?'(?:[^'\\]|\\.)*'))?"
)


def template_messages(source: str) -> set[str]:
    """The catalogue keys makemessages would take from this template (read from Django's own templatize)."""
    keys = set()
    for function, *literals in GETTEXT_CALL.findall(templatize(source)):
        texts = [ast.literal_eval(literal) for literal in literals if literal]
        if function.startswith(("pgettext", "npgettext")):
            keys.add(f"{texts[0]}\x04{texts[1]}")
        else:
            keys.add(texts[0])
    return keys


def test_every_template_message_is_in_the_latvian_catalogue(latvian):
    known = {entry.key for entry in latvian}
    missing = [
        f"{path.relative_to(TEMPLATES)}: {key!r}"
        for path in all_templates()
        for key in sorted(template_messages(path.read_text(encoding="utf-8")) - known)
    ]
    assert not missing, "not collected into the catalogue (run makemessages):\n" + "\n".join(missing)


# The code ------------------------------------------------------------------------------------------------------

# makemessages (xgettext) collects the calls of these names only: a message marked through any other alias is never
# collected, so it stays English on a Latvian page ("Files" on the import page was one, marked as `_lazy`).
GETTEXT_FUNCTIONS = "gettext|gettext_lazy|ngettext|ngettext_lazy|pgettext|pgettext_lazy|npgettext|npgettext_lazy"
GETTEXT_ALIAS = re.compile(rf"\b(?:{GETTEXT_FUNCTIONS}|gettext_noop) as (\w+)")


def test_translation_functions_go_by_names_makemessages_collects():
    root = Path(settings.BASE_DIR)
    found = [
        f"{path.relative_to(root)}: {alias}"
        for app in ("accounts", "audit", "caseapp", "clients", "exchange", "home", "plans", "privacy", "reporting")
        for path in sorted((root / app).rglob("*.py"))
        for alias in GETTEXT_ALIAS.findall(path.read_text(encoding="utf-8"))
        if alias != "_"
    ]
    assert not found, "marked under a name makemessages does not collect:\n" + "\n".join(found)
