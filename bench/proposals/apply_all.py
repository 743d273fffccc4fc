"""Applies every proposal (monkeypatch); also the gunicorn hook of the load test run with --proposals."""


def apply_all() -> None:
    from . import family_filter, last_contact, persons_served

    last_contact.apply()
    persons_served.apply()
    family_filter.apply()


def post_worker_init(worker) -> None:  # gunicorn server hook, when this module is its config (-c)
    apply_all()
