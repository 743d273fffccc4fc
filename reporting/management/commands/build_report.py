"""`build_report`: one report's figures as JSON, XLSX or PDF, from the command line."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from clients.models import Provider
from reporting.figures import SCHEMA, SCHEMAS
from reporting.figures_cache import cached_figures_for, previous_figures_for
from reporting.models import ReportFormat, ReportKind
from reporting.render import PDFUnavailable, render_report, write_whole

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
        parser.add_argument("--format", choices=ReportFormat.values, default=ReportFormat.JSON, dest="output_format")
        parser.add_argument("--language", choices=LANGUAGES, default="lv", help="For XLSX and PDF (default lv).")
        parser.add_argument("--output", help="The file to write.")
        parser.add_argument(
            "--suppressed",
            action="store_true",
            help='The publication-safe version: counts of 1-4 persons shown as "<5".',
        )
        parser.add_argument(
            "--kind",
            choices=ReportKind.values,
            help="For PDF: the kind of report its cover names (default: the one its period makes, e.g. six whole "
            "months an interim report, a contract's whole period its final evaluation).",
        )
        parser.add_argument(
            "--schema",
            choices=SCHEMAS,
            default=SCHEMA,
            help=f"The JSON's schema (default {SCHEMA}); report-figures/1 leaves out what version 2 added.",
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

        output_format, output = ReportFormat(options["output_format"]), options["output"]
        if output_format != ReportFormat.JSON and not output and self.stdout.isatty():
            raise CommandError(
                _("Give --output FILE for %(format)s, or redirect the output.") % {"format": output_format.value}
            )

        figures = cached_figures_for(start=start, end=end, provider=provider)
        previous = None
        if output_format == ReportFormat.PDF:  # the PDF's summary compares with the previous period
            previous = previous_figures_for(start=start, end=end, provider=provider)
        try:
            content = render_report(
                figures,
                format=output_format,
                language=options["language"],
                suppressed=options["suppressed"],
                schema=options["schema"],
                kind=options["kind"],
                previous=previous,
            )
        except PDFUnavailable as error:
            raise CommandError(_("PDF reports are not available: %(error)s") % {"error": error}) from error

        if output:
            path = Path(output)
            try:
                # A report is an ordinary file, readable by others, unlike mkstemp's.
                write_whole(path, content, mode=0o644)
            except OSError as error:
                raise CommandError(_("Cannot write %(path)s: %(error)s") % {"path": path, "error": error}) from error
        elif output_format == ReportFormat.JSON:
            self.stdout.write(content.decode(), ending="")
        else:
            self.stdout.flush()
            stream: Any = getattr(self.stdout._out, "buffer", self.stdout._out)
            stream.write(content)
            stream.flush()
