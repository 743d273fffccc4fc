"""An import with an error a row keeps the first errors and counts the rest: memory does not grow with them."""

from clients.models import Client
from exchange.results import ERRORS_KEPT
from exchange.services import dataset_import

from .exchange_helpers import client_row, small_folder


def test_an_import_with_more_errors_than_are_kept_counts_them_all_and_writes_nothing(db, tmp_path):
    rows = [client_row(f"C{i}", country="XX") for i in range(ERRORS_KEPT + 250)]
    result = dataset_import(path=small_folder(tmp_path, clients=rows, contacts=[]))

    assert result.error_count == ERRORS_KEPT + 250
    assert len(result.errors) == ERRORS_KEPT
    assert [e.row for e in result.errors[:3]] == [2, 3, 4]
    assert not result.ok
    assert Client.objects.count() == 0
