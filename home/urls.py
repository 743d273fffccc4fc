"""home: the pages beside each role's home page (a manager's view of a staff member's work)."""

from django.urls import path

from . import views

app_name = "home"

urlpatterns = [
    path("staff/<int:pk>/", views.staff_caseload, name="staff_caseload"),
]
