"""`build_report`: one report's figures as JSON, XLSX or PDF, from the command line."""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from clients.models import Provider
from reporting.figures import ReportFigures
from reporting.figures_cache import cached_figures_for

LANGUAGES = ("lv", "en")


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("%(value)s is not a date; write it as YYYY-MM-DD.") % {"value": value}) from None


class Command(BaseCommand):
    # Like Django's own commands, the --help text is for operators and stays English; errors are translated.
    help = (
        "Builds one report over --start..--end (both days included), of one provider or of all. "
        "JSON is printed to standard output unless --output is given. XLSX and PDF are written to --output, "
        "or to standard output when that is not a terminal (e.g. `build_report ... --format pdf > report.pdf`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, help="The first day, YYYY-MM-DD.")
        parser.add_argument("--end", required=True, help="The last day, YYYY-MM-DD.")
        parser.add_argument("--provider", help="A provider's code; all providers when left out.")
        parser.add_argument("--format", choices=("json", "pdf", "xlsx"), default="json", dest="output_format")
        parser.add_argument("--language", choices=LANGUAGES, default="lv", help="For XLSX and PDF (default lv).")
        parser.add_argument("--output", help="The file to write.")
        parser.add_argument(
            "--suppressed",
            action="store_true",
            help='The publication-safe version: counts of 1-4 persons shown as "<5".',
        )

    def handle(self, *args, **options) -> None:
        start, end = _date(options["start"]), _date(options["end"])
        if start > end:
            raise CommandError(_("The start (%(start)s) is after the end (%(end)s).") % {"start": start, "end": end})
        provider = None
        if options["provider"]:
            provider = Provider.objects.filter(code=options["provider"]).first()
            if provider is None:
                raise CommandError(_("There is no provider with the code %(code)s.") % {"code": options["provider"]})

        output_format, output = options["output_format"], options["output"]
        if output_format != "json" and not output and self.stdout.isatty():
            raise CommandError(
                _("Give --output FILE for %(format)s, or redirect the output.") % {"format": output_format}
            )

        figures = cached_figures_for(start=start, end=end, provider=provider)
        content = self._render(figures, output_format, language=options["language"], suppressed=options["suppressed"])

        if output:
            _write_whole(Path(output), content.encode() if isinstance(content, str) else content)
        elif isinstance(content, str):
            self.stdout.write(content, ending="")
        else:
            self.stdout.flush()
            stream: Any = getattr(self.stdout._out, "buffer", self.stdout._out)
            stream.write(content)
            stream.flush()

    def _render(self, figures: ReportFigures, output_format: str, *, language: str, suppressed: bool) -> str | bytes:
        if output_format == "json":
            from reporting.render_json import render_json

            return render_json(figures, suppressed=suppressed)
        if output_format == "xlsx":
            from reporting.render_xlsx import render_xlsx

            return render_xlsx(figures, language=language, suppressed=suppressed)
        try:
            from reporting.render_pdf import render_pdf
        except ImportError as error:
            raise CommandError(_("PDF reports are not available: %(error)s") % {"error": error}) from error
        return render_pdf(figures, language=language, suppressed=suppressed, narrative=None)


def _write_whole(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename, so that no half-written report is ever seen."""
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as error:
        raise CommandError(_("Cannot write %(path)s: %(error)s") % {"path": path, "error": error}) from error
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)  # mkstemp makes it private to its owner; a report is an ordinary file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
