"""The language of the exchange commands' messages: `--language lv|en` (a leading underscore: not a command)."""

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils import translation


def add_language_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--language",
        choices=[code for code, _name in settings.LANGUAGES],
        default=None,
        help=f"the language of the summary and the error messages (default: {settings.LANGUAGE_CODE})",
    )


def command_language(language: str | None) -> str:
    """The language asked for; else the active one, which on the command line is settings.LANGUAGE_CODE."""
    return language or translation.get_language() or settings.LANGUAGE_CODE
