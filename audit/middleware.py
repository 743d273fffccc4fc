"""Gives each request an id and an audit actor, records reads of audited pages and every denial."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .context import Actor, reset_actor, set_actor
from .models import Action
from .services import audit_record

# The pages whose reading is audited: URL name → (record type, URL keyword of its id, action).
AUDITED_VIEWS: dict[str, tuple[str, str, str]] = {}


def audited_view(url_name: str, object_type: str, kwarg: str = "pk", action: str = Action.VIEW) -> None:
    """Register a page whose successful reading is audited (called from each app's urls.py)."""
    AUDITED_VIEWS[url_name] = (object_type, kwarg, action)


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        user = request.user
        token = set_actor(
            Actor(
                user_id=user.pk if user.is_authenticated else None,
                username=user.get_username() if user.is_authenticated else "",
                provider_id=getattr(user, "provider_id", None) if user.is_authenticated else None,
                ip=request.META.get("REMOTE_ADDR") or None,
                request_id=request.request_id,
            )
        )
        try:
            response = self.get_response(request)
            self._record_read(request, response)
        finally:
            reset_actor(token)
        response["X-Request-ID"] = request.request_id
        return response

    def _record_read(self, request, response) -> None:
        match = request.resolver_match
        if match is None or response.status_code != 200 or request.method not in ("GET", "HEAD"):
            return
        rule = AUDITED_VIEWS.get(match.view_name)
        if rule is not None:
            object_type, kwarg, action = rule
            audit_record(action=action, object_type=object_type, object_id=match.kwargs.get(kwarg, ""))

    def process_exception(self, request, exception):
        if isinstance(exception, Http404 | PermissionDenied) and request.user.is_authenticated:
            match = request.resolver_match
            audit_record(action=Action.DENIED, detail=match.view_name if match else "")
        return None
