"""The home page: each role lands on its own."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Role

HOME_TEMPLATES = {
    Role.SOCIAL_WORKER: "home/social_worker.html",
    Role.MENTOR: "home/mentor.html",
    Role.MANAGER: "home/manager.html",
    Role.COORDINATOR: "home/coordinator.html",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    template = HOME_TEMPLATES.get(request.user.role, "home/no_role.html")
    return render(request, template, {})
